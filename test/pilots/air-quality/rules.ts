// The pilot's one rule, pure: fine dust over the threshold raises an alarm, under it clears it.
export const PM25_ALARM = 'pm25-high';

export function pm25Verdict(pm25: number, threshold: number): 'raise' | 'clear' {
  return pm25 > threshold ? 'raise' : 'clear';
}
