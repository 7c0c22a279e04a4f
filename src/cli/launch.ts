import { launch as runLaunch } from '../launch/launch.js';
import { parse, needPositional, type Command } from './command.js';
import { lang, printJson, say, warn } from './output.js';

const usage = 'discrun launch PATH [--profile FILE] [--timeout S] [--screenshot FILE] [--json] [--no-sandbox] [--headless] [--force]';

export const launch: Command = {
  name: 'launch',
  summary: { fr: 'lance un disque dans son bac à sable', en: 'launch a disc in its sandbox' },
  usage,
  async run(args) {
    const { values, positionals } = parse(
      args,
      {
        profile: { type: 'string', multiple: true },
        timeout: { type: 'string' },
        screenshot: { type: 'string' },
        json: { type: 'boolean' },
        'no-sandbox': { type: 'boolean' },
        headless: { type: 'boolean' },
        force: { type: 'boolean' },
        throwaway: { type: 'boolean' },
      },
      usage,
    );
    needPositional(positionals, 1, usage);
    const timeout = values.timeout !== undefined ? Number(values.timeout) : undefined;
    if (timeout !== undefined && !(timeout > 0)) return (warn(`--timeout: ${values.timeout}?`), 2);
    const ac = new AbortController();
    const onSignal = () => ac.abort();
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    try {
      const r = await runLaunch({
        path: positionals[0]!,
        ...(values.profile ? { profileFiles: values.profile } : {}),
        ...(timeout !== undefined ? { timeoutSec: timeout } : {}),
        ...(values.screenshot ? { screenshot: values.screenshot } : {}),
        noSandbox: values['no-sandbox'] ?? false,
        headless: values.headless ?? false,
        force: values.force ?? false,
        throwaway: values.throwaway ?? false,
        signal: ac.signal,
        lang: lang(),
      });
      if (values.json) {
        printJson({ outcome: r.outcome, exitCode: r.exitCode, runner: r.runner, profile: r.profile, prefix: r.prefix, log: r.log, screenshot: r.screenshot, seconds: r.seconds, stopReason: r.stopReason ?? null, message: r.message, ...(r.fallback ? { fallback: r.fallback } : {}) });
      } else (r.outcome === 'crashed' || r.outcome === 'refused' ? warn : say)(r.message);
      if (r.outcome === 'refused') return 3;
      if (r.outcome === 'ran') return 0;
      return r.exitCode ?? 1;
    } finally {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    }
  },
};
