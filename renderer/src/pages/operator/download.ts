/**
 * Saves data the station answered as a file, in the renderer: a Blob and a download link work
 * the same in browser mode and in Electron, and no path ever crosses the contract.
 */
export function downloadFile(content: string, name: string, type: string): void {
  const url = URL.createObjectURL(new Blob([content], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

export function downloadJson(value: unknown, name: string): void {
  downloadFile(`${JSON.stringify(value, null, 2)}\n`, name, 'application/json;charset=utf-8');
}

/** `2026-11-22` in UTC, for file names. */
export function fileDate(iso: string = new Date().toISOString()): string {
  return iso.slice(0, 10);
}

/** A UPN as a file-name part: letters, digits, dot, dash, underscore only. */
export function fileSafe(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '_').slice(0, 80);
}
