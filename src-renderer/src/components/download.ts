/** Saves text the hub answered (a CSV export) as a file, through a Blob link. */
export function saveCsv(csv: string, filename: string): void {
  // The byte-order mark (which reading the answer as text drops) makes spreadsheet programs read UTF-8.
  const blob = new Blob([csv.startsWith('\uFEFF') ? csv : `\uFEFF${csv}`], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.appendChild(a);
  a.click();
  a.remove();
  window.setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
