import type { PolicyValidationError } from '@jit-access/plugin-jit-access-common';
import { json } from '@codemirror/lang-json';
import { setDiagnostics, lintGutter, type Diagnostic } from '@codemirror/lint';
import type { Text } from '@codemirror/state';
import { useTheme } from '@material-ui/core/styles';
import CodeMirror, { EditorView } from '@uiw/react-codemirror';
import { useCallback, useEffect, useMemo, useRef } from 'react';

/** Props of {@link PolicyEditor}. */
export interface PolicyEditorProps {
  value: string;
  onChange: (value: string) => void;
  /** The validator's errors for `value`; each is marked at its line and column. */
  errors: PolicyValidationError[];
  /** The id of the element naming the editor. */
  labelledBy: string;
  /** The id of the element announcing the errors. */
  describedBy: string;
}

// A JSON token from `from`: a string, a number or word, or one character.
const TOKEN = /^("(?:[^"\\\n]|\\.)*"?|[^\s,:[\]{}"]+|[^\s])/;

/** The validator's errors as CodeMirror diagnostics, each over the token it points at. */
export function diagnosticsOf(doc: Text, errors: PolicyValidationError[]): Diagnostic[] {
  return errors.map(e => {
    const line = doc.line(Math.min(Math.max(e.line ?? 1, 1), doc.lines));
    const from = Math.min(line.from + Math.max((e.column ?? 1) - 1, 0), line.to);
    const token = TOKEN.exec(doc.sliceString(from, line.to));
    return { from, to: from + (token?.[0].length ?? 0), severity: 'error', message: `${e.message} (${e.rule})`, source: e.rule };
  });
}

/**
 * The custom policy's code editor: CodeMirror with JSON highlighting and the
 * validator's errors marked where they are. Loaded lazily, in a chunk of its
 * own (see lazyComponents.tsx). Tab moves focus on (no keyboard trap).
 */
export function PolicyEditor({ value, onChange, errors, labelledBy, describedBy }: PolicyEditorProps) {
  const theme = useTheme();
  const view = useRef<EditorView>();
  const invalid = !!value && errors.length > 0;
  const extensions = useMemo(
    () => [
      json(),
      lintGutter(),
      EditorView.lineWrapping,
      EditorView.contentAttributes.of({
        'aria-labelledby': labelledBy,
        'aria-describedby': describedBy,
        'aria-invalid': String(invalid),
      }),
    ],
    [labelledBy, describedBy, invalid],
  );
  const mark = useCallback(() => {
    const v = view.current;
    if (v) v.dispatch(setDiagnostics(v.state, value ? diagnosticsOf(v.state.doc, errors) : []));
  }, [value, errors]);
  // Runs after CodeMirror has taken `value` into its document (a child's effect runs first).
  useEffect(mark, [mark]);

  return (
    <CodeMirror
      value={value}
      onChange={onChange}
      onCreateEditor={created => {
        view.current = created;
        mark();
      }}
      extensions={extensions}
      theme={theme.palette.type === 'dark' ? 'dark' : 'light'}
      indentWithTab={false}
      basicSetup={{ foldGutter: false, autocompletion: false, searchKeymap: false }}
      minHeight="16em"
      maxHeight="40em"
      style={{ border: `1px solid ${invalid ? theme.palette.error.main : theme.palette.divider}`, borderRadius: 4 }}
    />
  );
}
