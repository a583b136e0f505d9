import { RuleTester } from 'eslint';
import tseslint from 'typescript-eslint';
import { afterAll, describe, it } from 'vitest';
import uiText from './ui-text.js';

RuleTester.afterAll = afterAll;
RuleTester.describe = describe;
RuleTester.it = it;

const tester = new RuleTester({
  languageOptions: { parser: tseslint.parser, parserOptions: { ecmaFeatures: { jsx: true } } },
});

const error = { messageId: 'text' };

tester.run('ui-text/no-literal-text', uiText.rules['no-literal-text'], {
  valid: [
    { code: "const a = <button title={t('controls.chat')}>{t('controls.leave')}</button>;" },
    { code: 'const a = <span className="round active" data-testid="leave-button" role="status">×</span>;' },
    { code: "const a = <span>{count > 99 ? '99+' : count} ✋ {'—'}</span>;" },
    { code: 'const a = <Icon name="people" size={16} />; const b = <input type="password" placeholder="192.168.1.20:8443" />;' },
  ],
  invalid: [
    { code: 'const a = <h1>Waiting for the host</h1>;', errors: [error] },
    { code: 'const a = <button title="Leave the meeting" />;', errors: [error] },
    { code: "const a = <input aria-label={'Invite link'} placeholder={`Paste ${what}`} />;", errors: [error, error] },
    { code: "const a = <span>{busy ? 'Checking…' : t('addSource.add')}</span>;", errors: [error] },
    { code: 'const a = <ConfirmDialog confirmLabel="End for everyone" message={`Bye ${name}`} />;', errors: [error, error] },
  ],
});
