import { describe, expect, it } from 'vitest';
import { HttpError } from '@server/http/errors';
import { checkTemplate, renderMail, type TemplateValues } from '@server/services/mail/template';

const values: TemplateValues = {
  'user.name': '<script>alert("x")</script>', 'user.username': 'u', 'user.email': 'a&b@example.com', 'user.uuid': 'id',
  'panel.url': 'https://panel.example.com',
};

const refusal = (template: string) => {
  try {
    checkTemplate('body', template);
  } catch (err) {
    return err instanceof HttpError ? { status: err.status, field: err.meta?.source_field, detail: err.detail } : err;
  }
  return null;
};

describe('mass-mail templates', () => {
  it('accept plain tokens and report which are used', () => {
    expect(checkTemplate('body', 'Hi {{ user.name }} ({{user.email}}) — {{ panel.url }}')).toEqual(['user.name', 'user.email', 'panel.url']);
  });

  it.each([
    ['{{{ user.name }}}'], ['{{& user.name }}'], ['{{#user}}{{/user}}'], ['{{^user}}x{{/user}}'], ['{{> partial }}'],
    ['{{! comment }}'], ['{{=<% %>=}}'], ['{{ constructor }}'], ['{{ user.constructor }}'], ['{{ user.name'],
  ])('refuse %s with a 422 naming the field', (template) => {
    expect(refusal(template)).toMatchObject({ status: 422, field: 'body' });
  });

  it('escape values and the body\'s own text in the HTML part, and leave the text part as written', () => {
    const out = renderMail('Hi {{ user.name }}\r\nBcc: x', 'Dear {{ user.name }} & co,\n\nline <2>', values);
    expect(out.subject).toBe('Hi <script>alert("x")</script> Bcc: x');
    expect(out.text).toBe('Dear <script>alert("x")</script> & co,\n\nline <2>');
    expect(out.html).toContain('<p>Dear &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co,</p>');
    expect(out.html).toContain('<p>line &lt;2&gt;</p>');
    expect(out.html).not.toContain('<script>');
  });
});
