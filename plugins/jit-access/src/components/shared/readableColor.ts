import { darken, lighten, type Theme } from '@material-ui/core/styles';

/**
 * A palette colour made readable as text: the main error, success and
 * secondary colours of the default palettes are too light on white (#f44336
 * is 3.7:1, #f50057 4.2:1; WCAG AA and axe's color-contrast want 4.5:1).
 * Darker on a light theme, lighter on a dark one.
 */
export function readableColor(theme: Theme, color: string): string {
  return theme.palette.type === 'dark' ? lighten(color, 0.4) : darken(color, 0.4);
}
