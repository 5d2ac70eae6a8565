// Live statuses of commands, from the platform's `command` events, for views that show delivery
// (messages to a patient's hub). Merged with lib/commands.ts's rule, so an event that arrives
// before the request's answer is not lost.
import { useCallback, useState } from 'react';
import { furthest } from '../lib/commands.ts';
import type { Command, CommandStatus } from '../lib/types.ts';
import { useRealtimeEvent } from './realtime.tsx';

export function useCommandStatuses(accept: (c: Command) => boolean): (id: string, known: CommandStatus) => CommandStatus {
  const [live, setLive] = useState<Record<string, CommandStatus>>({});
  useRealtimeEvent('command', (c) => {
    if (!accept(c)) return;
    setLive((m) => ({ ...m, [c.id]: furthest(m[c.id], c.status)! }));
  });
  return useCallback((id, known) => furthest(known, live[id]) ?? known, [live]);
}
