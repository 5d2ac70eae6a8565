// The in-memory adapter's public entry (unit tests only); see ./provider.ts and ./store.ts.
export { createMemoryStorage, MemoryStorage } from './provider.ts';
export { MemoryStore } from './store.ts';
