// The collection names bound into a sealed value's AAD (./sealed-format.ts): a value opens only
// under the collection it was sealed in. Records are sealed under their kind
// (platform/services/records.ts); every series point under the one name below.
export const SERIES_COLLECTION = 'series';
