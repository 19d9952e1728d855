import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, html, raw, SafeHtml, withCode } from '../../src/web/html.js';

describe('html template', () => {
  test('escapes interpolated text so it cannot become markup', () => {
    const name = '<script>alert("x")</script> & \'quoted\'';
    assert.equal(
      html`<p title="${name}">${name}</p>`.value,
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;</p>',
    );
  });

  test('keeps markup made by html and raw as it is', () => {
    const inner = html`<em>${'a<b'}</em>`;
    assert.equal(html`<p>${inner}${raw('<br>')}</p>`.value, '<p><em>a&lt;b</em><br></p>');
  });

  test('joins arrays without separators, rendering each item by the same rules', () => {
    const items = ['<a>', 'b'].map((item) => html`<li>${item}</li>`);
    assert.equal(html`<ul>${items}</ul>`.value, '<ul><li>&lt;a&gt;</li><li>b</li></ul>');
    assert.equal(html`${['<x>', 2, raw('<y>')]}`.value, '&lt;x&gt;2<y>');
  });

  test('renders null, undefined and false as nothing, and numbers and true as text', () => {
    assert.equal(html`[${null}${undefined}${false}${0}${true}]`.value, '[0true]');
  });

  test('answers SafeHtml whose string form is the markup', () => {
    const page = html`<b>${'x'}</b>`;
    assert.ok(page instanceof SafeHtml);
    assert.equal(String(page), '<b>x</b>');
  });

  test('escapeHtml covers the five characters that matter in content and quoted attributes', () => {
    assert.equal(escapeHtml(`&<>"'`), '&amp;&lt;&gt;&quot;&#39;');
  });

  test('withCode turns backticked spans into code and escapes everything', () => {
    assert.equal(withCode('Send `Authorization: <key>` & wait').value, 'Send <code>Authorization: &lt;key&gt;</code> &amp; wait');
    assert.equal(withCode('no code <here>').value, 'no code &lt;here&gt;');
  });
});
