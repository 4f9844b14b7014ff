import { JsonSyntaxError, parseJsonWithPositions } from './jsonWithPositions';

/**
 * The example a custom policy can start from: read-only access to one S3
 * bucket and its objects. The request form's "Start from template" inserts
 * it; the requester replaces the bucket name.
 * @public
 */
export const S3_READ_ONLY_POLICY_TEMPLATE = `{
  "Version": "2012-10-17",
  "Statement": [
    {
      "Sid": "ReadOneBucket",
      "Effect": "Allow",
      "Action": [
        "s3:GetObject",
        "s3:ListBucket"
      ],
      "Resource": [
        "arn:aws:s3:::example-bucket",
        "arn:aws:s3:::example-bucket/*"
      ]
    }
  ]
}`;

const WHITESPACE = ' \t\n\r';

/**
 * Re-indents a JSON policy text with two spaces, one key or item a line.
 * Only whitespace changes: keys keep their order (duplicates too, so the
 * validator still reports them) and numbers and strings their exact text.
 * Returns undefined when the text is not JSON, so nothing is lost.
 * @public
 */
export function formatPolicyText(text: string): string | undefined {
  try {
    parseJsonWithPositions(text);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return undefined;
    throw e;
  }
  let out = '';
  let level = 0;
  const newline = () => `\n${'  '.repeat(level)}`;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (WHITESPACE.includes(c)) continue;
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j;
    } else if (c === '{' || c === '[') {
      let j = i + 1;
      while (WHITESPACE.includes(text[j])) j++;
      if (text[j] === (c === '{' ? '}' : ']')) {
        out += c + text[j];
        i = j;
      } else {
        level++;
        out += c + newline();
      }
    } else if (c === '}' || c === ']') {
      level--;
      out += newline() + c;
    } else if (c === ',') {
      out += `,${newline()}`;
    } else if (c === ':') {
      out += ': ';
    } else {
      out += c;
    }
  }
  return out;
}
