// An Express route around the engine: the actor comes from your authentication, never the body,
// and a refusal is answered with its code and the status the HTTP service would give it.
import express, { type NextFunction, type Request, type RequestHandler, type Response } from 'express';
import { isStepDownError, type CaseEngine, type StepDownEventInput } from '../../src/index.js';
import { httpStatusOf } from '../../src/server/index.js';

/** Who is calling, as your authentication middleware puts it in `res.locals.actor`. */
export interface Actor {
  readonly id: string;
  readonly role: StepDownEventInput['actor']['role'];
  readonly personId?: string;
}

export function caseRoutes(engine: CaseEngine, authenticate: RequestHandler): express.Router {
  const router = express.Router();
  router.use(express.json({ limit: '600kb' }), authenticate);

  router.post('/cases/:caseId/events', async (req: Request<{ caseId: string }>, res: Response, next: NextFunction) => {
    try {
      const actor = res.locals['actor'] as Actor;
      // The body is checked by the engine (INVALID_EVENT names each bad field); the actor is yours.
      const event = { ...req.body, actor } as StepDownEventInput;
      const view = await engine.send(req.params.caseId, event);
      res.status(201).json({ version: view.version, stage: view.stage, eventId: view.eventId });
    } catch (error) {
      next(error);
    }
  });

  router.get('/cases/:caseId', async (req: Request<{ caseId: string }>, res: Response, next: NextFunction) => {
    try {
      res.json(await engine.get(req.params.caseId));
    } catch (error) {
      next(error);
    }
  });

  // Switch on the code, never the message. A message names ids and rules only, so it may be shown.
  router.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (!isStepDownError(error)) return next(error);
    res.status(httpStatusOf(error.code)).json({ code: error.code, message: error.message, details: error.details ?? null });
  });
  return router;
}
