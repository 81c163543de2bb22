/**
 * Saves data the console already holds as a file the browser downloads (an object URL on a
 * temporary link; nothing fetched again). The URL is released once the download has started.
 */
export function saveFile(name: string, data: Blob): void {
  const url = URL.createObjectURL(data);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
