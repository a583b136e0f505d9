import { relative } from 'node:path';
import type { Reporter, TestCase } from 'vitest/node';

/**
 * Says why a test that passed on its retry failed the first time. Vitest's own reporter only marks
 * it "(retry x1)", and on a loaded machine that first failure is what a flaky test has to say.
 * Printed once, after the run.
 */
export default class RetryReporter implements Reporter {
  private readonly retried: string[] = [];

  onTestCaseResult(test: TestCase): void {
    const retries = test.diagnostic()?.retryCount ?? 0;
    const result = test.result();
    if (retries === 0 || result.state !== 'passed') return;
    const where = `${relative(process.cwd(), test.module.moduleId)} > ${test.fullName}`;
    const errors = (result.errors ?? []).map((error) => {
      // Where in our own code it failed: the stack's lines outside node_modules.
      const stack = (error.stack ?? '').split('\n').filter((line) => line.includes(process.cwd()) && !line.includes('node_modules'));
      return `  ${error.message}${stack.length ? `\n${stack.slice(0, 3).join('\n')}` : ''}`;
    });
    this.retried.push(`${where} (passed on try ${retries + 1}); before that:\n${errors.join('\n') || '  (no error recorded)'}`);
  }

  onTestRunEnd(): void {
    if (this.retried.length === 0) return;
    console.log(`\nPassed on a retry (${this.retried.length}):\n${this.retried.join('\n')}\n`);
  }
}
