// The platform's CSP allows no eval (platform/api/app.ts, script-src 'self'). zod decides at the
// creation of each object schema whether to compile a fast path with `new Function`, and its probe
// is reported as a policy violation even though zod catches it. main.tsx imports this module
// first, so it runs before any schema exists.
import { z } from 'zod';

z.config({ jitless: true });
