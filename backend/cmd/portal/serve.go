package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	porthttp "example.com/portal/backend/internal/http"
	"example.com/portal/backend/internal/mail"
	"example.com/portal/backend/internal/minio"
	"example.com/portal/backend/internal/pdfdoc"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/backend/internal/postgres"
	"example.com/portal/backend/internal/pwa"
	"example.com/portal/backend/internal/sealed"
	"example.com/portal/backend/internal/stripe"
	"example.com/portal/backend/internal/webhook"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// serve runs the HTTP server until ctx ends, then drains in-flight requests.
// getenv is the process environment, where tenants' SSO client secrets are.
func serve(ctx context.Context, cfg Config, getenv func(string) string, logger *slog.Logger) error {
	if err := cfg.ValidateServe(); err != nil {
		return err
	}
	secrets, err := sealed.New(cfg.EncryptionKeys...)
	if err != nil {
		return fmt.Errorf("PORTAL_ENCRYPTION_KEYS: %w", err)
	}
	db, err := postgres.Open(ctx, cfg.DatabaseURL, postgres.Options{MaxConns: cfg.DBMaxConns, Secrets: secrets})
	if err != nil {
		return err
	}
	defer db.Close()
	// Row-level security is the tenant boundary: never serve as a role that
	// skips it.
	if err := db.CheckAppRole(ctx); err != nil {
		return err
	}

	store, err := minio.New(minio.Config{Endpoint: cfg.S3Endpoint, AccessKey: cfg.S3AccessKey, SecretKey: cfg.S3SecretKey,
		Bucket: cfg.S3Bucket, Region: cfg.S3Region, UseTLS: cfg.S3UseTLS, ServerSideEncryption: cfg.S3SSE})
	if err != nil {
		return err
	}
	bctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	if err := store.EnsureBucket(bctx); err != nil {
		// Serve anyway: pages work without documents, and /readyz (which
		// creates the bucket once the store answers) tells the load
		// balancer the truth until then.
		logger.Warn("document store not ready", "error", err.Error())
	}
	cancel()

	sender, err := mail.New(mail.Config{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
		Password: cfg.SMTPPassword, TLS: cfg.SMTPTLS, From: cfg.MailFrom, LogOnly: cfg.MailLogOnly}, logger)
	if err != nil {
		return err
	}

	app, err := pwa.New(pwa.Options{WebDir: cfg.WebDir, Logger: logger})
	if err != nil {
		return err
	}
	authz, err := policies.New()
	if err != nil {
		return err
	}
	auth := postgres.NewAuthService(db)
	var cards portal.CardGateway
	if cfg.StripeSecretKey != "" {
		if cards, err = stripe.New(stripe.Config{SecretKey: cfg.StripeSecretKey, APIURL: cfg.StripeAPIURL}); err != nil {
			return err
		}
	}
	cardPayments := postgres.NewCardPaymentService(db, cards)
	cart := postgres.NewCartService(db, cards) // checkout (issue 8)
	invoices := postgres.NewInvoiceService(db)
	keys := postgres.NewAPIKeyService(db)
	webhooks := postgres.NewWebhookService(db)
	webhooks.AllowHTTP = cfg.WebhookAllowLoopback
	hookClient := webhook.Guard{AllowLoopback: cfg.WebhookAllowLoopback}.Client(10 * time.Second)
	// Webhook deliveries: the outbox is dispatched to the job queue as its
	// events commit (and every second besides), whose workers run in this
	// process (each server runs its own; River hands every job to one of
	// them). The tenant's admins are mailed when an endpoint is turned off.
	notifier := &mail.Notifier{Sender: sender}
	deliverer, err := postgres.NewDeliverer(db, webhooks, postgres.DeliveryConfig{Client: hookClient, Logger: logger,
		Notifier: notifier, BaseDomain: cfg.BaseDomain})
	if err != nil {
		return err
	}
	var parseCardEvent func([]byte, string) (*portal.CardEvent, error)
	if cfg.StripeWebhookSecret != "" {
		parseCardEvent = func(payload []byte, signature string) (*portal.CardEvent, error) {
			return stripe.ParseEvent(payload, signature, cfg.StripeWebhookSecret)
		}
	}
	docs := postgres.NewDocumentStore(db, store)
	docs.Renderer = pdfdoc.Renderer{Logo: tenantLogo(cfg.WebDir)}
	quotes := postgres.NewQuoteService(db, docs)
	handler := porthttp.NewServer(&porthttp.Server{
		Tenants:        db,
		BaseDomain:     cfg.BaseDomain,
		TrustedProxies: cfg.TrustedProxies,
		Ready:          []porthttp.Check{{Name: "postgres", Ping: db}, {Name: "minio", Ping: store}},
		PWA:            app,
		Auth:           auth,
		Resets:         auth,
		Sessions:       auth,
		MFA:            auth,
		Users:          postgres.NewUserService(db),
		Account:        postgres.NewAccountService(db),
		Orders:         postgres.NewOrderService(db),
		Invoices:       invoices,
		Ledger:         invoices,
		Documents:      docs,
		DocumentMail:   notifier,
		// Card payments: off (403) without the platform's Stripe keys.
		CardPayments:         cardPayments,
		StripePublishableKey: cfg.StripePublishableKey,
		PaymentMethods:       cardPayments,
		CardEvents:           cardPayments,
		ParseCardEvent:       parseCardEvent,
		SSO:                  auth,
		Getenv:               getenv,
		Mailer:               notifier,
		Authz:                authz,
		APIKeys:              keys,
		KeyManager:           keys,
		Webhooks:             webhooks,
		WebhookClient:        hookClient,
		WebhookDeliveries:    deliverer,
		BackOffice:           postgres.NewBackOfficeService(db),
		// The storefront's e-commerce API; its rate limits are counted in
		// PostgreSQL, shared by every server process.
		Ecommerce:   postgres.NewEcommerceService(db, postgres.NewDocumentStore(db, store)),
		RateLimiter: postgres.NewRateLimiter(db),
		// Cart, checkout, guest checkout and purchase lists (issue 8).
		Cart:          cart,
		CheckoutMail:  notifier,
		PurchaseLists: postgres.NewPurchaseListService(db, cart),
		// The portal shop's catalog and prices (issue 8).
		Shop:        postgres.NewShopService(db),
		CatalogSync: postgres.NewBackOfficeService(db),
		// Onboarding: access requests, self-registration, the staff queue.
		Onboarding:     postgres.NewOnboardingService(db),
		OnboardingMail: notifier,
		// Reorder, order approvals and product reviews (issue 8).
		Reorders:     postgres.NewReorderService(db),
		Approvals:    postgres.NewApprovalService(db),
		Reviews:      postgres.NewReviewService(db),
		ApprovalMail: notifier,
		// Quotes: the builder, the staff's pricing, acceptance into orders.
		Quotes:    quotes,
		QuoteMail: notifier,
		Logger:    logger,
	})
	srv := &http.Server{
		Addr:              cfg.Addr,
		Handler:           handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       60 * time.Second,
		WriteTimeout:      120 * time.Second,
		IdleTimeout:       120 * time.Second,
		MaxHeaderBytes:    32 << 10,
		ErrorLog:          slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	logger.Info("serving", "addr", ln.Addr().String(), "base_domain", cfg.BaseDomain, "version", version)

	if cards != nil {
		go reconcileCardPayments(ctx, db, cardPayments, logger)
	}
	if err := deliverer.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("webhook deliveries: %w", err)
	}
	go deliverer.RunDispatcher(ctx, time.Second)
	go maintainDocuments(ctx, db, docs, logger)
	go generateDocuments(ctx, db, docs, logger)
	go expireQuotes(ctx, db, quotes, logger)
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	logger.Info("shutting down: draining requests")
	sctx, scancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer scancel()
	if err := srv.Shutdown(sctx); err != nil {
		// Requests still running after the drain period are cut off.
		srv.Close()
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-errc; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	handler.Wait() // e-mails still being sent
	if err := deliverer.Stop(sctx); err != nil {
		logger.Warn("webhook deliveries still running at shutdown", "error", err.Error())
	}
	logger.Info("stopped")
	return nil
}

// Card payments still under way after reconcileAge are asked about every
// reconcileEvery: a lost webhook does not leave an invoice unpaid.
const (
	reconcileEvery = 10 * time.Minute
	reconcileAge   = 15 * time.Minute
)

// reconcileCardPayments runs the reconciliation for every tenant that takes
// card payments until ctx ends. With several servers each runs it; the
// attempt's row lock makes a second run of the same answer a no-op.
func reconcileCardPayments(ctx context.Context, db *postgres.DB, svc *postgres.CardPaymentService, logger *slog.Logger) {
	eachTenantEvery(ctx, db, reconcileEvery, logger, "reconcile card payments", func(ctx context.Context, tn *tenants.Tenant) {
		if tn.Settings.StripeAccount == "" || tn.Status != tenants.StatusActive {
			return
		}
		n, err := svc.Reconcile(tenants.NewContext(ctx, tn), reconcileAge)
		switch {
		case err != nil:
			logger.ErrorContext(ctx, "reconcile card payments", "tenant", tn.Slug, "error", err.Error())
		case n > 0:
			logger.InfoContext(ctx, "reconciled card payments", "tenant", tn.Slug, "changed", n)
		}
	})
}

// eachTenantEvery calls fn for every tenant, every interval, until ctx ends:
// the loop of the periodic jobs. A failure to list the tenants is logged
// under job and retried at the next tick.
func eachTenantEvery(ctx context.Context, db *postgres.DB, every time.Duration, logger *slog.Logger, job string,
	fn func(ctx context.Context, tn *tenants.Tenant)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		list, err := db.ListTenants(ctx)
		if err != nil {
			logger.ErrorContext(ctx, job+": list tenants", "error", err.Error())
			continue
		}
		for _, tn := range list {
			fn(ctx, tn)
		}
	}
}
