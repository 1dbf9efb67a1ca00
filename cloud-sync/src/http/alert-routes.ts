import { Router } from 'express';
import type { Db } from '../db/types.js';
import { requireAdmin, userOf } from '../auth.js';
import { alertHistory } from '../alerts/history.js';
import { createRule, deleteRule, getWebhook, listRules, rotateWebhookSecret, setWebhook, updateRule } from '../alerts/rules.js';

/** Alert rules, webhook and history; everyone reads (history limited to their sites), org admins write. */
export function alertRoutes(db: Db): Router {
  const r = Router();
  r.get('/api/alerts/rules', async (_req, res) => {
    res.json({ rules: await listRules(db, userOf(res)) });
  });
  r.post('/api/alerts/rules', async (req, res) => {
    requireAdmin(userOf(res));
    res.status(201).json(await createRule(db, userOf(res), req.body));
  });
  r.patch('/api/alerts/rules/:ruleId', async (req, res) => {
    requireAdmin(userOf(res));
    res.json(await updateRule(db, userOf(res), String(req.params.ruleId), req.body));
  });
  r.delete('/api/alerts/rules/:ruleId', async (req, res) => {
    requireAdmin(userOf(res));
    await deleteRule(db, userOf(res), String(req.params.ruleId));
    res.status(204).end();
  });
  r.get('/api/alerts/webhook', async (_req, res) => {
    res.json(await getWebhook(db, userOf(res)));
  });
  r.put('/api/alerts/webhook', async (req, res) => {
    requireAdmin(userOf(res));
    res.json(await setWebhook(db, userOf(res), req.body));
  });
  r.post('/api/alerts/webhook/rotate', async (_req, res) => {
    requireAdmin(userOf(res));
    res.json(await rotateWebhookSecret(db, userOf(res)));
  });
  r.get('/api/alerts/history', async (_req, res) => {
    res.json({ alerts: await alertHistory(db, userOf(res)) });
  });
  return r;
}
