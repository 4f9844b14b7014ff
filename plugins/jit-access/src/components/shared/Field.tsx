import TextField, { type StandardTextFieldProps } from '@material-ui/core/TextField';

/**
 * A full-width text field of the plugin's forms: it hands `onChange` the new
 * value, not the event.
 */
export function Field({
  onChange,
  ...props
}: Omit<StandardTextFieldProps, 'onChange'> & { id: string; label: string; onChange: (value: string) => void }) {
  return <TextField fullWidth {...props} onChange={e => onChange(e.target.value)} />;
}
