// What the air-quality pilot's REST routes answer: imported by its server side and by any client
// (type-only), so both read one definition.
export interface Station {
  deviceId: string;
  label: string;
  /** Latest fine-dust reading (µg/m³), or null before the first one. */
  pm25: number | null;
  ts: number | null;
  alarm: boolean;
}

export interface StationsResponse {
  items: Station[];
}
