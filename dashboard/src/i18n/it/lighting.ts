// Italian texts of the street-lighting pilot: typed against the English part, so a missing or extra key fails
// the type check.
import type { Dict } from '../types.ts';
import type { enLighting } from '../en/lighting.ts';

export const itLighting: Pick<Dict, keyof typeof enLighting> = {
  timeline: {
    label: {
      one: 'Livello di luce nelle prossime {hours} ore: {count} punto di commutazione',
      many: 'Livello di luce nelle prossime {hours} ore: {count} di punti di commutazione',
      other: 'Livello di luce nelle prossime {hours} ore: {count} punti di commutazione',
    },
    now: 'ora',
    nowOn: 'ora · {day}',
    levelNow: 'Livello attuale {level} %.',
    point: '{day} {time}: {level} %.',
    pointAstro: '{day} {time}: {level} % (astronomico).',
  },
  lightingMap: {
    title: "Mappa dell'impianto",
    titleNamed: "{name} — mappa dell'impianto",
    noneTitle: 'Ancora nessun impianto di illuminazione',
    noneBody: "Quando lampioni e quadri dell'impianto saranno registrati, compariranno qui.",
    counts: '{lamps} lampioni in {groups} gruppi su {cabinets} quadri · ora locale {time} ({zone})',
    sunset: ' · tramonto {time}',
    sunrise: ' · alba {time}',
    control: 'Comanda gruppi e lampioni →',
    lit: 'Accesi',
    dimmed: '{count} attenuati',
    off: 'Spenti',
    faults: 'Guasti',
    noContact: 'Nessun contatto',
    power: 'Potenza attuale',
    powerHint: 'Somma dei valori inviati dai lampioni',
    kw: '{value} kW',
    loading: "Caricamento dell'impianto…",
    faultsCount: 'Guasti ({count})',
    mainsLost: 'Rete elettrica assente',
    doorOpen: 'Sportello aperto',
    more: 'e altri {count} — vedi gli allarmi',
    noFaults: 'Nessun guasto di lampioni o quadri.',
    cabinets: 'Quadri elettrici',
    cabinet: 'Quadro',
    cabinetPower: 'Potenza',
    state: 'Stato',
    lamps: { one: '· {count} lampione', many: '· {count} di lampioni', other: '· {count} lampioni' },
    alarm: 'Allarme',
    ok: 'OK',
  },
  draftPreview: {
    title: 'Prossime 48 ore, come modificato',
    zone: "Nell'ora dell'impianto ({zone}). Non ancora salvato.",
    invalid: "L'anteprima compare quando ogni passo ha un orario e un livello validi.",
  },
};
