import {
  formatPolicyText,
  S3_READ_ONLY_POLICY_TEMPLATE,
  type PolicyValidationResult,
} from '@jit-access/plugin-jit-access-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { PolicyEditor } from '../lazyComponents';
import { readableColor } from '../shared/readableColor';

const useStyles = makeStyles(theme => ({
  error: { color: readableColor(theme, theme.palette.error.main) },
  valid: { color: readableColor(theme, theme.palette.success.main) },
}));

const LABEL_ID = 'jit-policy-label';
const VALIDATION_ID = 'jit-policy-validation';

/**
 * The custom policy of a request: a label, "Start from template" and
 * "Format", the code editor (loaded on first use), and the validator's
 * verdict, announced as it changes and read by the editor as its description.
 */
export function PolicyField({
  value,
  onChange,
  validation,
}: {
  value: string;
  onChange: (value: string) => void;
  validation: PolicyValidationResult;
}) {
  const classes = useStyles();
  const formatted = value ? formatPolicyText(value) : undefined;
  return (
    <Box>
      <Box display="flex" alignItems="center" flexWrap="wrap" mb={1} style={{ gap: 8 }}>
        <Typography id={LABEL_ID} component="span" variant="subtitle1" style={{ flexGrow: 1 }}>
          Custom policy
        </Typography>
        <Button
          size="small"
          variant="outlined"
          onClick={() => onChange(S3_READ_ONLY_POLICY_TEMPLATE)}
          disabled={value === S3_READ_ONLY_POLICY_TEMPLATE}
        >
          Start from template: S3 read-only
        </Button>
        <Button
          size="small"
          variant="outlined"
          onClick={() => formatted !== undefined && onChange(formatted)}
          disabled={formatted === undefined || formatted === value}
        >
          Format
        </Button>
      </Box>
      <PolicyEditor
        value={value}
        onChange={onChange}
        errors={validation.errors}
        labelledBy={LABEL_ID}
        describedBy={VALIDATION_ID}
      />
      <Box mt={1} id={VALIDATION_ID} data-testid="policy-validation" aria-live="polite">
        <Typography
          variant="caption"
          color="textSecondary"
          className={validation.size > validation.limit ? classes.error : undefined}
        >
          Size {validation.size.toLocaleString('en-US')} / {validation.limit.toLocaleString('en-US')} non-whitespace
          characters
        </Typography>
        {value &&
          validation.errors.map((e, i) => (
            <Typography key={i} variant="body2" className={classes.error}>
              {e.line ? `Line ${e.line}, column ${e.column}: ` : ''}
              {e.message} <code>({e.rule})</code>
            </Typography>
          ))}
        {value && validation.valid && (
          <Typography variant="body2" className={classes.valid}>
            The policy is valid.
          </Typography>
        )}
      </Box>
    </Box>
  );
}
