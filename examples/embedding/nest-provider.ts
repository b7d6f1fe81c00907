// A NestJS-style provider: one engine for the application, started and stopped with it. In a Nest
// application, mark the class `@Injectable()` and list it in a module's `providers`; Nest calls
// `onModuleInit` and `onModuleDestroy` (with `app.enableShutdownHooks()`). No Nest is needed here.
import { createCaseEngine, type CaseEngine, type CaseStore, type CaseView, type OpenCase, type StepDownEventInput } from '../../src/index.js';
import type { EngineLogger } from '../../src/index.js';

export interface StepDownConfig {
  readonly store: CaseStore;
  readonly logger?: EngineLogger;
  /** Alerts a Team Manager of a missed deadline (your notification service). */
  readonly alertTeamManager: (caseId: string, rule: string) => Promise<void>;
}

export class StepDownService {
  private readonly engine: CaseEngine;
  private stopListening: () => void = () => {};

  constructor(private readonly config: StepDownConfig) {
    this.engine = createCaseEngine({ store: config.store, ...(config.logger ? { logger: config.logger } : {}) });
  }

  onModuleInit(): void {
    // A listener that throws makes the message be retried: the alert is delivered at least once.
    this.stopListening = this.engine.on('breach.recorded', (n) => this.config.alertTeamManager(n.caseId, n.rule));
    this.engine.startDelivery({ onError: (e) => this.config.logger?.warn({ code: e.code }, 'delivery pass failed') });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopListening();
    await this.engine.stop();
    await this.config.store.close?.();
  }

  open(request: OpenCase): Promise<CaseView> {
    return this.engine.open(request);
  }

  record(caseId: string, event: StepDownEventInput): Promise<CaseView> {
    return this.engine.send(caseId, event);
  }

  get(caseId: string): Promise<CaseView> {
    return this.engine.get(caseId);
  }

  /** For your scheduler (a Nest `@Cron`, say): a failed tick is reported, and the next one retries it. */
  async tick(now: Date): Promise<void> {
    try {
      const { failed } = await this.engine.tick(now.toISOString());
      for (const f of failed) this.config.logger?.warn({ caseId: f.caseId, code: f.code }, 'case not ticked');
    } catch (error) {
      this.config.logger?.error({ code: (error as { code?: string }).code ?? 'INTERNAL' }, 'tick failed');
    }
  }
}
