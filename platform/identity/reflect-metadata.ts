// The three Reflect metadata functions the dependency-injection container inside @peculiar/x509
// (tsyringe) looks for at load time. Only the platform's own calls to @peculiar/x509 run with it;
// imported before that library (./x509.ts). Defined only when absent, so a full polyfill wins.
type Target = object;
const store = new WeakMap<Target, Map<unknown, Map<string | symbol | undefined, unknown>>>();

function own(target: Target, property?: string | symbol): Map<unknown, unknown> | undefined {
  return store.get(target)?.get(property) as Map<unknown, unknown> | undefined;
}

const R = Reflect as unknown as Record<string, unknown>;
if (typeof R.getMetadata !== 'function') {
  R.defineMetadata = (key: unknown, value: unknown, target: Target, property?: string | symbol) => {
    let byProp = store.get(target);
    if (!byProp) store.set(target, (byProp = new Map()));
    let m = byProp.get(property);
    if (!m) byProp.set(property, (m = new Map()));
    m.set(key as string, value);
  };
  R.getOwnMetadata = (key: unknown, target: Target, property?: string | symbol) => own(target, property)?.get(key);
  R.getMetadata = (key: unknown, target: Target, property?: string | symbol): unknown => {
    for (let t: Target | null = target; t; t = Object.getPrototypeOf(t) as Target | null) {
      const m = own(t, property);
      if (m?.has(key)) return m.get(key);
    }
    return undefined;
  };
}
