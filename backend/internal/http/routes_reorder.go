package http

import (
	"context"
	"math"
	"net/http"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
	"example.com/portal/tenants"
)

// reorderRoutes registers reorder, order approvals and product reviews
// (issue 8). Without their services (nil) the routes answer 404.
func (s *Server) reorderRoutes(r chi.Router) {
	s.api(r, "GET", api.PathOrders+"/{id}"+api.PathReorderSuffix, needs(policies.OrdersReorder), s.handleReorderGet)
	s.api(r, "POST", api.PathOrders+"/{id}"+api.PathReorderPreviewSuffix, needs(policies.OrdersReorder), s.handleReorderPreview)
	s.api(r, "POST", api.PathOrders+"/{id}"+api.PathReorderSuffix, needs(policies.OrdersReorder), s.handleReorderPlace)
	s.api(r, "GET", api.PathOrders+"/{id}"+api.PathOrderApprovalSuffix, needs(policies.OrdersRead), s.handleOrderApprovalGet)
	s.api(r, "GET", api.PathApprovals, needs(policies.ApprovalsRead), s.handleApprovalList)
	s.api(r, "POST", api.PathApprovals+"/{id}/decision", needs(policies.ApprovalsApprove), s.handleApprovalDecide)
	s.api(r, "GET", api.PathApprovalRules, needs(policies.ApprovalsRead), s.handleApprovalRuleList)
	// The Admins who approve are those who set the rules.
	s.api(r, "POST", api.PathApprovalRules, needs(policies.ApprovalsApprove), s.handleApprovalRuleSet)
	s.api(r, "DELETE", api.PathApprovalRules+"/{id}", needs(policies.ApprovalsApprove), s.handleApprovalRuleDelete)
	s.api(r, "GET", api.PathProductsPrefix+"/{id}/reviews", needs(policies.CatalogRead), s.handleProductReviews)
	s.api(r, "PUT", api.PathProductsPrefix+"/{id}/reviews", needs(policies.ReviewsWrite), s.handleReviewSave)
	s.api(r, "GET", api.PathStaffReviews, needs(policies.ReviewsModerate), s.handleStaffReviewList)
	s.api(r, "PATCH", api.PathStaffReviews+"/{id}", needs(policies.ReviewsModerate), s.handleStaffReviewModerate)
}

func toAPIReorder(o *portal.Reorder) api.Reorder {
	out := api.Reorder{OrderID: o.OrderID, OrderNumber: o.OrderNumber, PlacementID: o.PlacementID,
		Lines: make([]api.ReorderLine, 0, len(o.Lines)), Warnings: make([]api.ReorderWarning, 0, len(o.Warnings)),
		ShippingAddressID: o.ShippingAddressID, ShippingAddresses: make([]api.Address, 0, len(o.ShippingAddresses)),
		PORequired: o.PORequired, PaymentTerms: o.PaymentTerms, EarliestDate: apiDate(o.EarliestDate),
		Subtotal: toAPIMoney(o.Subtotal), FreightEstimate: toAPIMoney(o.Freight), TaxEstimate: toAPIMoney(o.Tax),
		GrandTotal: toAPIMoney(o.GrandTotal), EstimateNote: portal.EstimateNote, AvailableCredit: toAPIMoney(o.AvailableCredit),
		CreditWarning: o.CreditWarning, NeedsApproval: o.NeedsApproval, ShippingMethod: o.ShippingMethod,
		Estimate: toAPIEstimate(o.Estimate, o.ShippingMethod), ShippingMethods: []api.ShippingMethod{}}
	if a := o.ShippingAddress; a != nil {
		out.ShippingAddress = &api.PostalAddress{Line1: a.Line1, Line2: a.Line2, City: a.City, Region: a.Region, PostalCode: a.PostalCode,
			Country: a.Country}
	}
	for _, m := range portal.ShippingMethods {
		out.ShippingMethods = append(out.ShippingMethods, api.ShippingMethod{Code: m, Label: portal.ShippingMethodLabel(m)})
	}
	for _, l := range o.Lines {
		out.Lines = append(out.Lines, api.ReorderLine{LineNo: l.LineNo, ProductID: l.ProductID, ProductCode: l.ProductCode,
			Description: l.Description, Quantity: portal.FormatQuantity(l.QuantityMilli), UOM: l.UOM, Availability: l.Availability,
			LeadTimeDays: l.LeadTimeDays, Included: l.Included, Discontinued: l.Discontinued(), OriginalPrice: toAPIMoney(l.OriginalPrice),
			CurrentPrice: toAPIMoney(l.CurrentPrice), PriceChanged: l.PriceChanged, Total: toAPIMoney(l.Total),
			Problem: l.Problem})
	}
	for _, w := range o.Warnings {
		out.Warnings = append(out.Warnings, api.ReorderWarning{Type: w.Type, LineNo: w.LineNo, Message: w.Message})
	}
	for i := range o.ShippingAddresses {
		out.ShippingAddresses = append(out.ShippingAddresses, toAPIAddress(&o.ShippingAddresses[i]))
	}
	return out
}

func fromAPIReorderLines(in []api.ReorderLineInput) []portal.ReorderLineInput {
	out := make([]portal.ReorderLineInput, 0, len(in))
	for _, l := range in {
		out = append(out, portal.ReorderLineInput{LineNo: l.LineNo, Quantity: l.Quantity})
	}
	return out
}

func (s *Server) handleReorderGet(w http.ResponseWriter, r *http.Request) error {
	if s.Reorders == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	o, err := s.Reorders.Reorder(r.Context(), cur.user, chi.URLParam(r, "id"), nil)
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPIReorder(o))
}

func (s *Server) handleReorderPreview(w http.ResponseWriter, r *http.Request) error {
	if s.Reorders == nil {
		return errNotFound
	}
	var in api.ReorderPreview
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	o, err := s.Reorders.Reorder(r.Context(), cur.user, chi.URLParam(r, "id"),
		&portal.ReorderInput{PlacementID: in.PlacementID, Lines: fromAPIReorderLines(in.Lines), ShippingAddressID: in.ShippingAddressID,
			ShippingAddress: fromAPIAddressPtr(in.ShippingAddress), ShippingMethod: in.ShippingMethod})
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPIReorder(o))
}

func (s *Server) handleReorderPlace(w http.ResponseWriter, r *http.Request) error {
	if s.Reorders == nil {
		return errNotFound
	}
	var in api.ReorderPlace
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	p, err := s.Reorders.PlaceReorder(r.Context(), cur.user, chi.URLParam(r, "id"), portal.ReorderInput{PlacementID: in.PlacementID,
		Lines: fromAPIReorderLines(in.Lines), ShippingAddressID: in.ShippingAddressID, ShippingAddress: fromAPIAddressPtr(in.ShippingAddress),
		ShippingMethod: in.ShippingMethod, PONumber: in.PONumber,
		RequestedDate: in.RequestedDate, SpecialInstructions: in.SpecialInstructions})
	if err != nil {
		return err
	}
	if p.AwaitingApproval && !p.Replayed {
		s.NotifyApproversLater(r, p.OrderID)
	}
	status := http.StatusCreated
	if p.Replayed {
		status = http.StatusOK
	}
	w.Header().Set("Location", api.PathOrders+"/"+p.OrderID)
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, status, api.ReorderPlaced{OrderID: p.OrderID, OrderNumber: p.OrderNumber, Status: toAPIStatus(p.Status),
		Total: toAPIMoney(p.Total), Freight: toAPIMoney(p.Freight), Tax: toAPIMoney(p.Tax), EstimatedShipDate: apiDate(p.EstimatedShipDate), CreditWarning: p.CreditWarning,
		AwaitingApproval: p.AwaitingApproval, Replayed: p.Replayed})
}

// NotifyApproversLater e-mails the account's Admins, after the response,
// that order id waits for their approval. Every handler that places an
// order through placeOrderTx calls it when the order is held (checkout,
// reorder, quote acceptance, the e-commerce API); the notice is claimed
// once, so calling it twice sends one mail.
func (s *Server) NotifyApproversLater(r *http.Request, orderID string) {
	if s.Approvals == nil || s.ApprovalMail == nil {
		return
	}
	t, _ := tenants.FromContext(r.Context())
	s.mailLater(r, "send approval requested", func(ctx context.Context, base string) error {
		ctx = tenants.NewContext(ctx, t)
		n, err := s.Approvals.ClaimApprovalNotice(ctx, orderID)
		if err != nil || n == nil || len(n.To) == 0 {
			return err
		}
		return s.ApprovalMail.SendApprovalRequested(ctx, t, base, *n)
	})
}

func toAPIApproval(a *portal.OrderApproval) api.OrderApproval {
	return api.OrderApproval{OrderID: a.OrderID, OrderNumber: a.OrderNumber, PONumber: a.PONumber, Status: a.Status,
		OrderStatus: toAPIStatus(a.OrderStatus), RequestedBy: a.RequestedBy, RequestedAt: a.RequestedAt, Total: toAPIMoney(a.Total),
		Threshold: toAPIMoney(a.Threshold), LineCount: a.LineCount, DecidedBy: a.DecidedBy, DecidedAt: a.DecidedAt, Comment: a.Comment}
}

func (s *Server) handleOrderApprovalGet(w http.ResponseWriter, r *http.Request) error {
	if s.Approvals == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	a, err := s.Approvals.FindOrderApproval(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPIApproval(a))
}

func (s *Server) handleApprovalList(w http.ResponseWriter, r *http.Request) error {
	if s.Approvals == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	list, err := s.Approvals.Approvals(r.Context(), cur.user, portal.ApprovalFilter{Status: r.URL.Query().Get("status")})
	if err != nil {
		return err
	}
	out := api.ApprovalList{Approvals: make([]api.OrderApproval, 0, len(list))}
	for i := range list {
		out.Approvals = append(out.Approvals, toAPIApproval(&list[i]))
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleApprovalDecide(w http.ResponseWriter, r *http.Request) error {
	if s.Approvals == nil {
		return errNotFound
	}
	var in api.ApprovalDecision
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	id := chi.URLParam(r, "id")
	a, err := s.Approvals.DecideApproval(r.Context(), cur.user, id, portal.ApprovalDecision{Decision: in.Decision, Comment: in.Comment,
		Client: clientOf(r)})
	if err != nil {
		return err
	}
	if s.ApprovalMail != nil {
		t, _ := tenants.FromContext(r.Context())
		s.mailLater(r, "send approval decided", func(ctx context.Context, base string) error {
			ctx = tenants.NewContext(ctx, t)
			n, err := s.Approvals.DecisionNotice(ctx, id)
			if err != nil || n == nil || len(n.To) == 0 {
				return err
			}
			return s.ApprovalMail.SendApprovalDecided(ctx, t, base, *n)
		})
	}
	return writeJSON(w, http.StatusOK, toAPIApproval(a))
}

func toAPIRule(r portal.ApprovalRule) api.ApprovalRule {
	return api.ApprovalRule{ID: r.ID, AppliesToRole: r.AppliesToRole, Threshold: toAPIMoney(r.Threshold), UpdatedAt: r.UpdatedAt}
}

func (s *Server) handleApprovalRuleList(w http.ResponseWriter, r *http.Request) error {
	if s.Approvals == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	list, err := s.Approvals.ApprovalRules(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := api.ApprovalRuleList{Rules: make([]api.ApprovalRule, 0, len(list))}
	for _, rule := range list {
		out.Rules = append(out.Rules, toAPIRule(rule))
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleApprovalRuleSet(w http.ResponseWriter, r *http.Request) error {
	if s.Approvals == nil {
		return errNotFound
	}
	var in api.ApprovalRuleInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	rule, err := s.Approvals.SetApprovalRule(r.Context(), cur.user, portal.ApprovalRuleInput{AppliesToRole: in.AppliesToRole,
		Threshold: in.Threshold, Client: clientOf(r)})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIRule(*rule))
}

func (s *Server) handleApprovalRuleDelete(w http.ResponseWriter, r *http.Request) error {
	if s.Approvals == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	if err := s.Approvals.DeleteApprovalRule(r.Context(), cur.user, chi.URLParam(r, "id"), clientOf(r)); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func toAPIReview(rv *portal.Review) api.Review {
	return api.Review{ID: rv.ID, ProductID: rv.ProductID, ProductCode: rv.ProductCode, ProductName: rv.ProductName, Rating: rv.Rating,
		Body: rv.Body, AuthorName: rv.AuthorName, Mine: rv.Mine, Hidden: rv.Hidden, CreatedAt: rv.CreatedAt, UpdatedAt: rv.UpdatedAt,
		CustomerName: rv.CustomerName, AuthorEmail: rv.AuthorEmail}
}

func (s *Server) handleProductReviews(w http.ResponseWriter, r *http.Request) error {
	if s.Reviews == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	pr, err := s.Reviews.ProductReviews(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	t, _ := tenants.FromContext(r.Context())
	out := api.ProductReviews{ProductID: pr.ProductID, Count: pr.Count, Average: math.Round(float64(pr.AverageTenths)) / 10,
		Reviews:   make([]api.Review, 0, len(pr.Reviews)),
		CanReview: pr.CanReview && s.Authz != nil && s.Authz.Allowed(t.ID, cur.user.Role, policies.ReviewsWrite)}
	for i := range pr.Reviews {
		out.Reviews = append(out.Reviews, toAPIReview(&pr.Reviews[i]))
	}
	if pr.Mine != nil {
		m := toAPIReview(pr.Mine)
		out.Mine = &m
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleReviewSave(w http.ResponseWriter, r *http.Request) error {
	if s.Reviews == nil {
		return errNotFound
	}
	var in api.ReviewInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	rv, err := s.Reviews.SaveReview(r.Context(), cur.user, chi.URLParam(r, "id"), portal.ReviewInput{Rating: in.Rating, Body: in.Body})
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIReview(rv))
}

func (s *Server) handleStaffReviewList(w http.ResponseWriter, r *http.Request) error {
	if s.Reviews == nil {
		return errNotFound
	}
	cur, _ := userFrom(r.Context())
	list, err := s.Reviews.StaffReviews(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := api.ReviewList{Reviews: make([]api.Review, 0, len(list))}
	for i := range list {
		out.Reviews = append(out.Reviews, toAPIReview(&list[i]))
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleStaffReviewModerate(w http.ResponseWriter, r *http.Request) error {
	if s.Reviews == nil {
		return errNotFound
	}
	var in api.ReviewModeration
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	rv, err := s.Reviews.SetReviewHidden(r.Context(), cur.user, chi.URLParam(r, "id"), in.Hidden)
	if err != nil {
		return err
	}
	return writeJSON(w, http.StatusOK, toAPIReview(rv))
}
