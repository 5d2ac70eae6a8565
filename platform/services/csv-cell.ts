// One CSV cell safe to open in a spreadsheet: a cell starting with = + - @ (or tab, CR) is
// prefixed with an apostrophe so it is never run as a formula (CWE-1236), then RFC 4180 quoting.
// Pure and import-free: the readings export and the console's audit export share it.
export const csvCell = (v: string): string => {
  const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
};
