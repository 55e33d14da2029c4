export const PALETTE = ["#4f6bed", "#16a394", "#e8871e", "#c2459d", "#7a5af8", "#2e9fd8", "#8c9a1b", "#d9534f", "#5c6b7a", "#b8860b"];

export const colorAt = (i: number): string => PALETTE[i % PALETTE.length] as string;
