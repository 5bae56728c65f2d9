package postgres

import (
	"bytes"
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"

	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/webhook"
	"example.com/portal/tenants"
)

// Webhook delivery (spec 000 section 5): the outbox's events go to every
// enabled endpoint of the tenant that subscribes to their type, through a
// PostgreSQL job queue (River), so a delivery survives a crash of the
// server and is retried on the spec's schedule.
//
// Dispatch turns unpublished outbox events into one job per (event,
// endpoint) and marks the events published, in one transaction: a crash
// leaves either both or neither. A delivery repeated after a crash
// mid-request carries the same event id (X-Webhook-Id), for the receiver
// to ignore.

// WebhookRetrySchedule is the delay before each retry (spec: 30 s, 2 min,
// 10 min, 1 h, 4 h): five retries after the first attempt.
var WebhookRetrySchedule = []time.Duration{30 * time.Second, 2 * time.Minute, 10 * time.Minute, time.Hour, 4 * time.Hour}

// webhookQueue is River's queue of deliveries.
const webhookQueue = "webhooks"

// DeliveryArgs is one delivery job: an outbox event to an endpoint.
type DeliveryArgs struct {
	TenantID   string `json:"tenant_id"`
	EventID    string `json:"event_id"`
	EndpointID string `json:"endpoint_id"`
	// Replay is set on a replay: which one it was, for the queue's views.
	Replay string `json:"replay,omitempty"`
}

// Kind implements river.JobArgs.
func (DeliveryArgs) Kind() string { return "webhook_delivery" }

// InsertOpts implements river.JobArgsWithInsertOpts.
func (DeliveryArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: webhookQueue, MaxAttempts: len(WebhookRetrySchedule) + 1}
}

// DefaultDeliveryWorkers is how many deliveries a server runs at once
// unless told otherwise: enough to keep a few slow receivers from holding
// up the rest, and the rate of `make bench` on two cores.
const DefaultDeliveryWorkers = 20

// DeliveryConfig configures a Deliverer. Zero fields take the defaults.
type DeliveryConfig struct {
	// Client sends the deliveries: the dial guard's, which follows no
	// redirects. Required.
	Client *http.Client
	// Workers is how many deliveries run at once (default
	// DefaultDeliveryWorkers).
	Workers int
	Logger  *slog.Logger
	// Clock is the time retries, Retry-After, the availability debounce
	// and turning endpoints off are reckoned by, and River's clock too.
	// nil: the real clock (River then uses the database's). Tests set it.
	Clock func() time.Time
	// DisableAfter turns an endpoint off once every delivery to it has
	// failed for this long (default 3 days).
	DisableAfter time.Duration
	// Notifier tells the tenant's admins when the portal turns one of its
	// endpoints off; nil: only the staff screen says so.
	Notifier portal.WebhookNotifier
	// BaseDomain makes the link in that e-mail (https://<slug>.<domain>,
	// or the tenant's first own host name).
	BaseDomain string
	// FetchInterval is how often an idle worker looks for jobs besides
	// River's insert notifications (default 200 ms).
	FetchInterval time.Duration
	// JobTimeout bounds one attempt (default 30 s). RescueAfter is when a
	// job left running by a crashed process is tried again (default 1 min;
	// at least JobTimeout).
	JobTimeout, RescueAfter time.Duration
}

// Deliverer dispatches the outbox and runs the delivery worker.
type Deliverer struct {
	db       *DB
	webhooks *WebhookService
	cfg      DeliveryConfig
	logger   *slog.Logger
	river    *river.Client[pgx.Tx]
	worker   *deliveryWorker
}

// riverClock lets River keep the deliverer's controlled clock.
type riverClock func() time.Time

func (c riverClock) Now() time.Time { return c() }

func (c riverClock) NowOrNil() *time.Time { t := c(); return &t }

// NewDeliverer returns a deliverer over db (the app role) and webhooks.
func NewDeliverer(db *DB, webhooks *WebhookService, cfg DeliveryConfig) (*Deliverer, error) {
	if cfg.Client == nil {
		return nil, errors.New("postgres: delivery queue: no HTTP client")
	}
	cfg.Workers = cmp.Or(cfg.Workers, DefaultDeliveryWorkers)
	cfg.Logger = cmp.Or(cfg.Logger, slog.Default())
	cfg.DisableAfter = cmp.Or(cfg.DisableAfter, 72*time.Hour)
	cfg.FetchInterval = cmp.Or(cfg.FetchInterval, 200*time.Millisecond)
	cfg.JobTimeout = cmp.Or(cfg.JobTimeout, 30*time.Second)
	cfg.RescueAfter = max(cmp.Or(cfg.RescueAfter, time.Minute), cfg.JobTimeout)
	d := &Deliverer{db: db, webhooks: webhooks, cfg: cfg, logger: cfg.Logger}
	d.worker = &deliveryWorker{d: d}
	ws := river.NewWorkers()
	river.AddWorker(ws, d.worker)
	rcfg := &river.Config{
		Queues:            map[string]river.QueueConfig{webhookQueue: {MaxWorkers: cfg.Workers}},
		Workers:           ws,
		Logger:            cfg.Logger,
		FetchPollInterval: cfg.FetchInterval,
		// River fetches at most once per cooldown, up to MaxWorkers jobs a
		// time: with 20 workers its 100 ms default caps a server at ~200
		// deliveries/s, 50 ms at ~400 (what make bench measured); 20 ms
		// lifts the cap to ~1,000, above what two cores deliver.
		FetchCooldown:        min(cfg.FetchInterval, 20*time.Millisecond),
		JobTimeout:           cfg.JobTimeout,
		RescueStuckJobsAfter: cfg.RescueAfter,
	}
	if cfg.Clock != nil {
		rcfg.Test.Time = riverClock(cfg.Clock)
	}
	rc, err := river.NewClient(riverpgxv5.New(db.Pool), rcfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: delivery queue: %w", err)
	}
	d.river = rc
	return d, nil
}

// now is the deliverer's clock.
func (d *Deliverer) now() time.Time {
	if d.cfg.Clock != nil {
		return d.cfg.Clock()
	}
	return time.Now()
}

// Start runs the workers until Stop.
func (d *Deliverer) Start(ctx context.Context) error { return d.river.Start(ctx) }

// Stop lets running deliveries finish.
func (d *Deliverer) Stop(ctx context.Context) error { return d.river.Stop(ctx) }

// RetryNow makes a scheduled retry of a job run at once (an admin's
// "retry now", and the tests' clock).
func (d *Deliverer) RetryNow(ctx context.Context, jobID int64) error {
	_, err := d.river.JobRetry(ctx, jobID)
	return err
}

// Dispatch enqueues the unpublished outbox events of every tenant and
// returns how many jobs it enqueued.
func (d *Deliverer) Dispatch(ctx context.Context) (int, error) {
	list, err := d.db.ListTenants(ctx)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, tn := range list {
		k, err := d.dispatchTenant(ctx, tn.ID)
		n += k
		if err != nil {
			return n, fmt.Errorf("postgres: dispatch %s: %w", tn.Slug, err)
		}
	}
	return n, nil
}

func (d *Deliverer) dispatchTenant(ctx context.Context, tenantID string) (int, error) {
	n, err := func() (int, error) {
		// One pgx transaction under the tenant holds the events, enqueues
		// their jobs and marks them published: all of it or none.
		tx, err := d.db.Pool.Begin(ctx)
		if err != nil {
			return 0, err
		}
		defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
		if _, err := tx.Exec(ctx, setTenantPgx, tenantID); err != nil {
			return 0, err
		}
		type event struct{ id, typ string }
		var events []event
		var ids []string
		// Debounced events wait until their window closes (deliver_after).
		rows, err := tx.Query(ctx, `SELECT id::text, event_type FROM outbox_events WHERE published_at IS NULL
			AND (deliver_after IS NULL OR deliver_after <= $1) ORDER BY occurred_at, id LIMIT 500 FOR UPDATE SKIP LOCKED`, d.now())
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var e event
			if err := rows.Scan(&e.id, &e.typ); err != nil {
				rows.Close()
				return 0, err
			}
			events, ids = append(events, e), append(ids, e.id)
		}
		if rows.Close(); rows.Err() != nil || len(events) == 0 {
			return 0, rows.Err()
		}
		subscribers := map[string][]string{} // event type → endpoint ids
		rows, err = tx.Query(ctx, `SELECT id::text, events FROM webhook_endpoints WHERE enabled`)
		if err != nil {
			return 0, err
		}
		for rows.Next() {
			var id string
			var types []string
			if err := rows.Scan(&id, &types); err != nil {
				rows.Close()
				return 0, err
			}
			for _, t := range types {
				subscribers[t] = append(subscribers[t], id)
			}
		}
		if rows.Close(); rows.Err() != nil {
			return 0, rows.Err()
		}
		var params []river.InsertManyParams
		for _, e := range events {
			for _, ep := range subscribers[e.typ] {
				params = append(params, river.InsertManyParams{Args: DeliveryArgs{TenantID: tenantID, EventID: e.id, EndpointID: ep}})
			}
		}
		if len(params) > 0 {
			if _, err := d.river.InsertManyFastTx(ctx, tx, params); err != nil {
				return 0, fmt.Errorf("enqueue: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE outbox_events SET published_at = $1 WHERE id = ANY($2::uuid[])`, d.now(), ids); err != nil {
			return 0, err
		}
		return len(params), tx.Commit(ctx)
	}()
	return n, err
}

// outboxChannel is what the outbox's insert trigger notifies, with the
// tenant id, when events commit.
const outboxChannel = "outbox_events"

// RunDispatcher dispatches a tenant's events as soon as they commit (the
// outbox trigger's notification), and every tenant's every interval besides
// (debounced events whose window closed, notifications missed while the
// listener was reconnecting), until ctx ends.
func (d *Deliverer) RunDispatcher(ctx context.Context, interval time.Duration) {
	var mu sync.Mutex
	dirty := map[string]bool{}
	wake := make(chan struct{}, 1)
	go d.listen(ctx, interval, func(tenantID string) {
		mu.Lock()
		dirty[tenantID] = true
		mu.Unlock()
		select {
		case wake <- struct{}{}:
		default:
		}
	})
	dispatchAll := func() {
		if _, err := d.Dispatch(ctx); err != nil && ctx.Err() == nil {
			d.logger.ErrorContext(ctx, "webhook dispatch", "error", err.Error())
		}
	}
	t := time.NewTicker(interval)
	defer t.Stop()
	dispatchAll()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			dispatchAll()
		case <-wake:
			// Everything notified meanwhile goes in one round.
			mu.Lock()
			ids := slices.Collect(maps.Keys(dirty))
			clear(dirty)
			mu.Unlock()
			for _, id := range ids {
				if _, err := d.dispatchTenant(ctx, id); err != nil && ctx.Err() == nil {
					d.logger.ErrorContext(ctx, "webhook dispatch", "tenant_id", id, "error", err.Error())
				}
			}
		}
	}
}

// listen passes on the outbox's notifications, reconnecting after an
// error (polling goes on meanwhile), until ctx ends.
func (d *Deliverer) listen(ctx context.Context, retry time.Duration, notify func(tenantID string)) {
	for {
		err := func() error {
			conn, err := pgx.ConnectConfig(ctx, d.db.Pool.Config().ConnConfig)
			if err != nil {
				return err
			}
			defer conn.Close(context.WithoutCancel(ctx))
			if _, err := conn.Exec(ctx, "LISTEN "+outboxChannel); err != nil {
				return err
			}
			for {
				n, err := conn.WaitForNotification(ctx)
				if err != nil {
					return err
				}
				if _, err := uuid.Parse(n.Payload); err == nil {
					notify(n.Payload)
				}
			}
		}()
		if ctx.Err() != nil {
			return
		}
		d.logger.WarnContext(ctx, "webhook dispatch listener", "error", err.Error())
		select {
		case <-ctx.Done():
			return
		case <-time.After(retry):
		}
	}
}

type deliveryWorker struct {
	river.WorkerDefaults[DeliveryArgs]
	d *Deliverer
	// retryAfter holds, from Work to the NextRetry River calls right after
	// it on the same job, the wait the receiver asked for (0: none). A job
	// NextRetry finds no entry for was not failed by Work: River rescued
	// it after the process running it died mid-attempt.
	retryAfter sync.Map // job id → time.Duration
}

// NextRetry follows the spec's schedule (30 s, 2 min, 10 min, 1 h, 4 h),
// later when the receiver's Retry-After asks for longer. A job rescued
// after a crash never reached a verdict, so it is tried again at once.
func (w *deliveryWorker) NextRetry(job *river.Job[DeliveryArgs]) time.Time {
	now := w.d.now()
	v, ok := w.retryAfter.LoadAndDelete(job.ID)
	if !ok {
		return now.Add(time.Millisecond)
	}
	return now.Add(retryDelay(job.Attempt, v.(time.Duration)))
}

// retryDelay is the wait after failed attempt n (1-based): the schedule's
// step, or the receiver's Retry-After when that is longer.
func retryDelay(attempt int, retryAfter time.Duration) time.Duration {
	return max(WebhookRetrySchedule[min(max(attempt-1, 0), len(WebhookRetrySchedule)-1)], retryAfter)
}

// errDelivery is a failed attempt, retried on the schedule.
type errDelivery struct{ msg string }

func (e errDelivery) Error() string { return e.msg }

// Work delivers one event to one endpoint and records the attempt.
func (w *deliveryWorker) Work(ctx context.Context, job *river.Job[DeliveryArgs]) error {
	// Stored before the attempt: should it panic (River counts that as a
	// failure), NextRetry still follows the schedule instead of retrying
	// at once and burning the attempts in a second.
	w.retryAfter.Store(job.ID, time.Duration(0))
	var retryAfter time.Duration
	err := w.deliver(ctx, job, &retryAfter)
	var cancel *river.JobCancelError
	if err != nil && job.Attempt < job.MaxAttempts && !errors.As(err, &cancel) {
		w.retryAfter.Store(job.ID, retryAfter)
	} else {
		w.retryAfter.Delete(job.ID)
	}
	return err
}

// deliver is one attempt of Work; *retryAfter is set to the receiver's
// Retry-After when it sent one.
func (w *deliveryWorker) deliver(ctx context.Context, job *river.Job[DeliveryArgs], retryAfter *time.Duration) error {
	d, a := w.d, job.Args
	ctx = tenants.NewContext(ctx, &tenants.Tenant{ID: a.TenantID})
	ep, secrets, ev, err := d.load(ctx, a)
	if err != nil || ep == nil || ev.typ == "" {
		return err // an endpoint deleted, an event gone: nothing to deliver
	}
	if !ep.Enabled {
		// Turned off, by its admin or by another delivery's failures while
		// this one waited: given up, as that other delivery's job was.
		return river.JobCancel(errDelivery{"The endpoint is turned off."})
	}
	typ, payload, occurred := ev.typ, ev.payload, ev.occurred
	start, mono := d.now(), time.Now()
	body, header, err := webhook.Sign(webhook.Delivery{Envelope: webhook.Envelope{ID: a.EventID, Type: typ, TenantID: a.TenantID,
		OccurredAt: occurred.UTC(), Data: json.RawMessage(payload)}, Timestamp: start}, secrets...)
	if err != nil {
		return err
	}
	status, header, sendErr := w.send(ctx, ep.URL, body, header)
	latency := time.Since(mono)
	ok := sendErr == nil && status >= 200 && status < 300
	msg := ""
	switch {
	case sendErr != nil:
		msg = sendErr.Error()
	case !ok:
		msg = "receiver answered " + strconv.Itoa(status)
		if status >= 300 && status < 400 {
			msg += " (redirects are not followed: give the final address)"
		}
		*retryAfter = parseRetryAfter(header.Get("Retry-After"), start)
	}
	gone := status == http.StatusGone
	var code any
	if status != 0 {
		code = status
	}
	// The attempt happened: record it even if the job's deadline ends now,
	// or a delivered event would go unlogged and be sent again.
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if ok {
		// The common case in one round trip: logged, and no longer failing.
		b := &pgx.Batch{}
		b.Queue(setTenantPgx, a.TenantID)
		b.Queue(`INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, attempt, succeeded, status_code,
				latency_ms, error, attempted_at)
			VALUES (current_setting('app.tenant_id')::uuid, $1, $2, $3, $4, $5, true, $6, $7, '', $8)`,
			uuid.Must(uuid.NewV7()).String(), a.EndpointID, a.EventID, typ, job.Attempt, code, latency.Milliseconds(), start)
		b.Queue(`UPDATE webhook_endpoints SET failing_since = NULL WHERE id = $1 AND failing_since IS NOT NULL`, a.EndpointID)
		return d.db.Pool.SendBatch(ctx, b).Close()
	}
	disabled := false
	err = d.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := tx.ExecContext(ctx, `INSERT INTO webhook_deliveries (tenant_id, id, endpoint_id, event_id, event_type, attempt,
				succeeded, status_code, latency_ms, error, attempted_at)
			VALUES (current_setting('app.tenant_id')::uuid, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			uuid.Must(uuid.NewV7()).String(), a.EndpointID, a.EventID, typ, job.Attempt, ok, code, latency.Milliseconds(), msg, start); err != nil {
			return err
		}
		var since time.Time
		if err := tx.QueryRowContext(ctx, `UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, ?) WHERE id = ?
			RETURNING failing_since`, start, a.EndpointID).Scan(&since); err != nil {
			return err
		}
		reason := ""
		switch {
		case gone:
			reason = "The receiver answered 410 Gone."
		case start.Sub(since) >= d.cfg.DisableAfter:
			reason = "Every delivery failed since " + since.UTC().Format(time.RFC3339) + "."
		}
		if reason == "" {
			return nil
		}
		// Only the attempt that turns it off tells the tenant, however many
		// deliveries to it fail at once.
		res, err := tx.ExecContext(ctx, `UPDATE webhook_endpoints SET enabled = false, disabled_reason = ?, updated_at = ?
			WHERE id = ? AND enabled`, reason, start, a.EndpointID)
		if err != nil {
			return err
		}
		n, err := res.RowsAffected()
		disabled = n == 1
		ep.Enabled, ep.DisabledReason, ep.FailingSince = false, reason, since
		return err
	})
	if err != nil {
		return err
	}
	if disabled {
		d.logger.WarnContext(ctx, "webhook endpoint disabled", "tenant_id", a.TenantID, "endpoint_id", a.EndpointID, "reason", ep.DisabledReason)
		d.tellDisabled(ctx, a.TenantID, *ep)
	}
	if !ep.Enabled {
		// Off now, by this attempt or a concurrent one: no more retries.
		return river.JobCancel(errDelivery{msg})
	}
	return errDelivery{msg}
}

// outboxEvent is an event as a delivery sends it.
type outboxEvent struct {
	typ      string
	payload  []byte
	occurred time.Time
}

// load reads what one attempt needs in one round trip (a pipelined batch
// under the tenant, one implicit transaction): the endpoint with the
// secrets that sign now, and the event. A nil endpoint or an empty event
// type: not there (any more).
func (d *Deliverer) load(ctx context.Context, a DeliveryArgs) (*portal.WebhookEndpoint, []string, outboxEvent, error) {
	var ev outboxEvent
	if d.db.Secrets() == nil {
		return nil, nil, ev, fmt.Errorf("postgres: webhooks: no encryption keys to open secrets with")
	}
	b := &pgx.Batch{}
	b.Queue(setTenantPgx, a.TenantID)
	b.Queue(`SELECT id::text, url, description, events, enabled, disabled_reason, previous_expires_at, failing_since, created_at,
		updated_at, secret_sealed, coalesce(previous_secret_sealed, '') FROM webhook_endpoints WHERE id = $1`, a.EndpointID)
	b.Queue(`SELECT event_type, payload::text, occurred_at FROM outbox_events WHERE id = $1`, a.EventID)
	br := d.db.Pool.SendBatch(ctx, b)
	defer br.Close()
	if _, err := br.Exec(); err != nil {
		return nil, nil, ev, err
	}
	var w portal.WebhookEndpoint
	var prev, failing *time.Time
	var current, previous, payload string
	err := br.QueryRow().Scan(&w.ID, &w.URL, &w.Description, &w.Events, &w.Enabled, &w.DisabledReason, &prev, &failing,
		&w.CreatedAt, &w.UpdatedAt, &current, &previous)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, ev, nil
	}
	if err != nil {
		return nil, nil, ev, err
	}
	if prev != nil {
		w.PreviousExpiresAt = *prev
	}
	if failing != nil {
		w.FailingSince = *failing
	}
	err = br.QueryRow().Scan(&ev.typ, &payload, &ev.occurred)
	if err != nil && !errors.Is(err, pgx.ErrNoRows) {
		return nil, nil, ev, err
	}
	ev.payload = []byte(payload)
	secrets, err := d.webhooks.openSecrets(a.TenantID, &w, current, previous)
	if err != nil {
		return nil, nil, ev, err
	}
	return &w, secrets, ev, nil
}

// maxRetryAfter bounds how long a receiver's Retry-After may push a
// retry back (the schedule's longest step).
const maxRetryAfter = 4 * time.Hour

// parseRetryAfter reads a Retry-After header, seconds or an HTTP date
// (RFC 9110 section 10.2.3), as a wait from now; 0 when absent or past.
func parseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	var wait time.Duration
	if s, err := strconv.Atoi(v); err == nil {
		wait = time.Duration(s) * time.Second
	} else if t, err := http.ParseTime(v); err == nil {
		wait = t.Sub(now)
	}
	return min(max(wait, 0), maxRetryAfter)
}

// send posts the delivery; a 3xx is an answer like any other (the client
// follows no redirects), and a failure.
func (w *deliveryWorker) send(ctx context.Context, url string, body []byte, header http.Header) (int, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, nil, err
	}
	req.Header = header
	req.Header.Set("User-Agent", "portal-webhooks/1")
	resp, err := w.d.cfg.Client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	return resp.StatusCode, resp.Header, nil
}

// tellDisabled mails the tenant's admins that ep was turned off. The
// staff screen says so too, from the endpoint's row, if the mail is lost.
func (d *Deliverer) tellDisabled(ctx context.Context, tenantID string, ep portal.WebhookEndpoint) {
	if d.cfg.Notifier == nil {
		return
	}
	err := func() error {
		tn, err := d.db.findTenant(ctx, `t.id = $1`, tenantID)
		if err != nil {
			return err
		}
		var to []string
		err = d.db.InTx(ctx, tenantID, func(ctx context.Context, tx bun.Tx) error {
			rows, err := tx.QueryContext(ctx, `SELECT email FROM users WHERE customer_id IS NULL AND role = 'tenant_admin'
				AND status = 'active' ORDER BY email`)
			if err != nil {
				return err
			}
			defer rows.Close()
			for rows.Next() {
				var e string
				if err := rows.Scan(&e); err != nil {
					return err
				}
				to = append(to, e)
			}
			return rows.Err()
		})
		if err != nil || len(to) == 0 {
			return err
		}
		host := tn.Slug + "." + d.cfg.BaseDomain
		if len(tn.Hosts) > 0 {
			host = tn.Hosts[0]
		}
		return d.cfg.Notifier.SendWebhookDisabled(ctx, tn, "https://"+host, to, ep)
	}()
	if err != nil {
		d.logger.ErrorContext(ctx, "webhook disabled notice", "tenant_id", tenantID, "endpoint_id", ep.ID, "error", err.Error())
	}
}

var _ portal.WebhookDeliveryService = (*Deliverer)(nil)

// endpointEvents checks that the endpoint exists in the tenant of ctx and
// returns its event types.
func endpointEvents(ctx context.Context, tx bun.Tx, id string) ([]string, error) {
	if _, err := uuid.Parse(id); err != nil {
		return nil, errNoWebhook
	}
	var types []string
	err := tx.QueryRowContext(ctx, `SELECT events FROM webhook_endpoints WHERE id = ?`, id).Scan(pgdialect.Array(&types))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoWebhook
	}
	return types, err
}

// ListDeliveries implements portal.WebhookDeliveryService.
func (d *Deliverer) ListDeliveries(ctx context.Context, actor *portal.User, endpointID string, limit int) ([]portal.WebhookDelivery, error) {
	if actor.CustomerID != "" {
		return nil, errStaffWebhook
	}
	limit = min(max(limit, 1), 200)
	out := []portal.WebhookDelivery{}
	err := d.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := endpointEvents(ctx, tx, endpointID); err != nil {
			return err
		}
		rows, err := tx.QueryContext(ctx, `SELECT id::text, event_id::text, event_type, attempt, succeeded, coalesce(status_code, 0),
				latency_ms, error, attempted_at
			FROM webhook_deliveries WHERE endpoint_id = ? ORDER BY attempted_at DESC, id DESC LIMIT ?`, endpointID, limit)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var w portal.WebhookDelivery
			if err := rows.Scan(&w.ID, &w.EventID, &w.EventType, &w.Attempt, &w.Succeeded, &w.StatusCode, &w.LatencyMS, &w.Error,
				&w.AttemptedAt); err != nil {
				return err
			}
			out = append(out, w)
		}
		return rows.Err()
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return nil, err
		}
		return nil, fmt.Errorf("postgres: list deliveries: %w", err)
	}
	return out, nil
}

// replay enqueues events for the endpoint again. Each replay is a job of
// its own (its Replay id), beside any earlier delivery of the same event.
func (d *Deliverer) replay(ctx context.Context, endpointID string, eventIDs []string) error {
	tn, _ := tenants.FromContext(ctx)
	replay := uuid.Must(uuid.NewV7()).String()
	params := make([]river.InsertManyParams, len(eventIDs))
	for i, id := range eventIDs {
		params[i] = river.InsertManyParams{Args: DeliveryArgs{TenantID: tn.ID, EventID: id, EndpointID: endpointID, Replay: replay}}
	}
	for len(params) > 0 {
		n := min(len(params), 1000)
		if _, err := d.river.InsertMany(ctx, params[:n]); err != nil {
			return fmt.Errorf("postgres: replay: %w", err)
		}
		params = params[n:]
	}
	return nil
}

// ReplayDelivery implements portal.WebhookDeliveryService.
func (d *Deliverer) ReplayDelivery(ctx context.Context, actor *portal.User, endpointID, deliveryID string) error {
	if actor.CustomerID != "" {
		return errStaffWebhook
	}
	if _, err := uuid.Parse(deliveryID); err != nil {
		return errNoDelivery
	}
	var eventID string
	err := d.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if _, err := endpointEvents(ctx, tx, endpointID); err != nil {
			return err
		}
		err := tx.QueryRowContext(ctx, `SELECT event_id::text FROM webhook_deliveries WHERE id = ? AND endpoint_id = ?`,
			deliveryID, endpointID).Scan(&eventID)
		if errors.Is(err, sql.ErrNoRows) {
			return errNoDelivery
		}
		if err != nil {
			return err
		}
		return auditTx(ctx, tx, d.db.Now().UTC(), "webhook_replayed", actor, "", portal.Client{},
			map[string]any{"webhook_id": endpointID, "event_id": eventID})
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return err
		}
		return fmt.Errorf("postgres: replay delivery: %w", err)
	}
	return d.replay(ctx, endpointID, []string{eventID})
}

var errNoDelivery = portal.Errorf(portal.ENOTFOUND, "No such delivery.")

// ReplayRange implements portal.WebhookDeliveryService.
func (d *Deliverer) ReplayRange(ctx context.Context, actor *portal.User, endpointID string, from, to time.Time) (int, error) {
	if actor.CustomerID != "" {
		return 0, errStaffWebhook
	}
	if !to.After(from) {
		return 0, &portal.Error{Code: portal.EINVALID, Message: "Check the range.",
			Fields: []portal.FieldError{{Field: "to", Message: "The end is not after the start."}}}
	}
	var ids []string
	err := d.db.InTenantTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		types, err := endpointEvents(ctx, tx, endpointID)
		if err != nil {
			return err
		}
		// Events not dispatched yet (a debounce window still open) will be.
		rows, err := tx.QueryContext(ctx, `SELECT id::text FROM outbox_events WHERE event_type IN (?) AND occurred_at >= ? AND occurred_at < ?
			AND published_at IS NOT NULL ORDER BY occurred_at, id LIMIT ?`, bun.In(types), from, to, portal.MaxReplayEvents)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			ids = append(ids, id)
		}
		if err := rows.Err(); err != nil {
			return err
		}
		return auditTx(ctx, tx, d.db.Now().UTC(), "webhook_replayed", actor, "", portal.Client{},
			map[string]any{"webhook_id": endpointID, "from": from, "to": to, "events": len(ids)})
	})
	if err != nil {
		if portal.ErrorCode(err) != portal.EINTERNAL {
			return 0, err
		}
		return 0, fmt.Errorf("postgres: replay range: %w", err)
	}
	if len(ids) == 0 {
		return 0, nil
	}
	return len(ids), d.replay(ctx, endpointID, ids)
}
