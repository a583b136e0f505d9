// @ts-check
/**
 * ESLint rule `ui-text/no-literal-text`: what the renderer shows comes from the message catalogues
 * (src/renderer/src/text/locales, issue 22), never a string written into a component. It reports
 * JSX text with a letter in it, and string literals (plain, template, or either branch of a
 * condition) that carry letters in a JSX child or in an attribute people read or hear: title,
 * aria-label, placeholder, alt, label… Symbols and numbers ("×", "✋", "99+") are not words.
 */

/** Attributes whose value a person reads or a screen reader says. */
const TEXT_ATTRIBUTES = new Set([
  'title',
  'alt',
  'placeholder',
  'label',
  'aria-label',
  'aria-description',
  'aria-placeholder',
  'aria-roledescription',
  'aria-valuetext',
  // The app's own components that show a string prop as is.
  'confirmLabel',
  'message',
  'none',
]);

const WORDS = /\p{L}/u;

/** The string parts of an expression that could end up shown: literals, templates' text, both branches of `a ? b : c`, `a || b`. */
function literalTexts(node) {
  if (!node) return [];
  switch (node.type) {
    case 'Literal':
      return typeof node.value === 'string' ? [{ node, text: node.value }] : [];
    case 'TemplateLiteral':
      return node.quasis.map((quasi) => ({ node: quasi, text: quasi.value.cooked ?? quasi.value.raw }));
    case 'ConditionalExpression':
      return [...literalTexts(node.consequent), ...literalTexts(node.alternate)];
    case 'LogicalExpression':
      return [...literalTexts(node.left), ...literalTexts(node.right)];
    case 'JSXExpressionContainer':
      return literalTexts(node.expression);
    default:
      return [];
  }
}

/** @type {import('eslint').Rule.RuleModule} */
const noLiteralText = {
  meta: {
    type: 'problem',
    docs: { description: 'User-visible text in JSX comes from the message catalogues (t(…), <Rich>)' },
    messages: {
      text: 'Text shown to people comes from the catalogues (src/renderer/src/text/locales): "{{text}}". Use t(…) from useTranslation(), or <Rich> for a message with elements.',
    },
    schema: [],
  },
  create(context) {
    const report = (node, text) => context.report({ node, messageId: 'text', data: { text: text.trim().slice(0, 60) } });
    return {
      JSXText(node) {
        if (WORDS.test(node.value)) report(node, node.value);
      },
      JSXExpressionContainer(node) {
        if (node.parent.type !== 'JSXElement' && node.parent.type !== 'JSXFragment') return;
        for (const part of literalTexts(node.expression)) if (WORDS.test(part.text)) report(part.node, part.text);
      },
      JSXAttribute(node) {
        const name = node.name.type === 'JSXIdentifier' ? node.name.name : `${node.name.namespace.name}:${node.name.name.name}`;
        if (!TEXT_ATTRIBUTES.has(name) || !node.value) return;
        for (const part of literalTexts(node.value)) if (WORDS.test(part.text)) report(part.node, part.text);
      },
    };
  },
};

export default { meta: { name: 'ui-text' }, rules: { 'no-literal-text': noLiteralText } };
