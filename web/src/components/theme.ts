/**
 * Is this background colour dark? True on antd's dark algorithm, whose container background is dark:
 * how canvases and embedded editors that do not read antd's theme pick their own light or dark mode.
 */
export function isDarkBackground(color: string): boolean {
  const hex = /^#([0-9a-f]{6})$/i.exec(color)?.[1];
  if (!hex) return false;
  const [r, g, b] = [0, 2, 4].map((i) => Number.parseInt(hex.slice(i, i + 2), 16)) as [
    number,
    number,
    number,
  ];
  return r * 0.299 + g * 0.587 + b * 0.114 < 128;
}
