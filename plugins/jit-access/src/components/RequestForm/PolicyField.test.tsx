import { S3_READ_ONLY_POLICY_TEMPLATE } from '@jit-access/plugin-jit-access-common';
import { TestApiProvider } from '@backstage/test-utils';
import { EditorView } from '@uiw/react-codemirror';
import { act, fireEvent, screen, waitFor, within } from '@testing-library/react';
import { jitAccessApiRef } from '../../api/JitAccessApi';
import { accounts, fakeApi, pendingRequest } from '../../__testUtils__/fixtures';
import { renderInJitAccessApp } from '../../__testUtils__/render';
import { RequestFormBody } from './RequestForm';

// jsdom lays nothing out: CodeMirror's selection layer measures text ranges.
beforeAll(() => {
  const none = { x: 0, y: 0, top: 0, left: 0, bottom: 0, right: 0, width: 0, height: 0, toJSON: () => ({}) };
  Range.prototype.getClientRects = () => [] as unknown as DOMRectList;
  Range.prototype.getBoundingClientRect = () => none as DOMRect;
});

async function renderCustomPolicyForm(api = fakeApi({})) {
  await renderInJitAccessApp(
    <TestApiProvider apis={[[jitAccessApiRef, api]]}>
      <RequestFormBody accounts={accounts} />
    </TestApiProvider>,
  );
  for (const [label, option] of [['Account', /sandbox/], ['Permission set', /Custom policy/]] as const) {
    fireEvent.mouseDown(screen.getByLabelText(label));
    fireEvent.click(within(screen.getByRole('listbox')).getByText(option));
  }
  // The editor is loaded lazily: wait for its chunk.
  return screen.findByRole('textbox', { name: 'Custom policy' });
}

/** The CodeMirror view behind the editor's text box, and its text. */
function editorOf(textbox: HTMLElement) {
  const view = EditorView.findFromDOM(textbox)!;
  expect(view).toBeTruthy();
  return {
    text: () => view.state.doc.toString(),
    /** Replaces the whole text, as typing or pasting would. */
    type: (text: string) => act(() => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } })),
  };
}

const BAD_EFFECT = '{\n  "Version": "2012-10-17",\n  "Statement": {"Effect": "allow", "Action": "*", "Resource": "*"}\n}';

describe('the custom policy editor', () => {
  it('is a labelled text box described by the validation it announces', async () => {
    const textbox = await renderCustomPolicyForm();
    const validation = screen.getByTestId('policy-validation');
    expect(textbox).toHaveAttribute('aria-describedby', validation.id);
    expect(validation).toHaveAttribute('aria-live', 'polite');
    expect(textbox).toHaveAttribute('aria-invalid', 'false');
  });

  it('shows each error with its line and column, and marks it there in the editor', async () => {
    const textbox = await renderCustomPolicyForm();
    editorOf(textbox).type(BAD_EFFECT);
    const validation = screen.getByTestId('policy-validation');
    expect(validation).toHaveTextContent(
      'Line 3, column 27: Statement: "Effect" must be "Allow" or "Deny", found "allow" (invalid-effect)',
    );
    expect(validation).toHaveTextContent('Size 83 / 10,240 non-whitespace characters');
    await waitFor(() => expect(textbox).toHaveAttribute('aria-invalid', 'true'));
    // The marker covers the offending token: line 3, column 27 is the string "allow".
    const marks = await waitFor(() => {
      const found = textbox.querySelectorAll('.cm-lintRange-error');
      expect(found.length).toBe(1);
      return found;
    });
    expect(marks[0]).toHaveTextContent('"allow"');
    expect(screen.getByRole('button', { name: 'Submit request' })).toBeDisabled();

    editorOf(textbox).type(BAD_EFFECT.replace('allow', 'Allow'));
    expect(screen.getByTestId('policy-validation')).toHaveTextContent('The policy is valid.');
    await waitFor(() => expect(textbox.querySelectorAll('.cm-lintRange-error')).toHaveLength(0));
  });

  it('"Start from template" inserts the S3 read-only example', async () => {
    const textbox = await renderCustomPolicyForm();
    fireEvent.click(screen.getByRole('button', { name: 'Start from template: S3 read-only' }));
    await waitFor(() => expect(editorOf(textbox).text()).toBe(S3_READ_ONLY_POLICY_TEMPLATE));
    expect(screen.getByTestId('policy-validation')).toHaveTextContent('The policy is valid.');
  });

  it('"Format" re-indents the policy, and is offered only for JSON that is not formatted yet', async () => {
    const textbox = await renderCustomPolicyForm();
    const format = screen.getByRole('button', { name: 'Format' });
    expect(format).toBeDisabled(); // nothing to format
    editorOf(textbox).type('{"Version": "2012-10-17",');
    expect(format).toBeDisabled(); // not JSON
    editorOf(textbox).type('{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}');
    expect(format).toBeEnabled();
    fireEvent.click(format);
    await waitFor(() =>
      expect(editorOf(textbox).text()).toBe(
        '{\n  "Version": "2012-10-17",\n  "Statement": {\n    "Effect": "Allow",\n    "Action": "s3:GetObject",\n    "Resource": "*"\n  }\n}',
      ),
    );
    expect(format).toBeDisabled();
  });

  it('submits the policy in the editor with the request', async () => {
    const createRequest = jest.fn(async () => pendingRequest({ kind: 'custom' }));
    const textbox = await renderCustomPolicyForm(fakeApi({ createRequest }));
    fireEvent.click(screen.getByRole('button', { name: 'Start from template: S3 read-only' }));
    const edited = S3_READ_ONLY_POLICY_TEMPLATE.replace(/example-bucket/g, 'team-logs');
    await waitFor(() => expect(editorOf(textbox).text()).toBe(S3_READ_ONLY_POLICY_TEMPLATE));
    editorOf(textbox).type(edited);
    fireEvent.change(screen.getByLabelText(/^Reason/), { target: { value: 'Read the team logs' } });
    const submit = screen.getByRole('button', { name: 'Submit request' });
    expect(submit).toBeEnabled();
    fireEvent.click(submit);
    await waitFor(() => expect(createRequest).toHaveBeenCalled());
    expect(createRequest).toHaveBeenCalledWith(
      expect.objectContaining({ accountId: '111111111111', permissionSetArn: undefined, customPolicy: edited }),
    );
  });
});
