package http

import (
	"net/http"
	"time"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
	"example.com/portal/policies"
)

// purchaseListRoutes are the saved purchase lists: every customer role
// reads them, only roles with PurchaseListsManage change them, and adding
// a list to the cart is filling the cart (CartManage).
func (s *Server) purchaseListRoutes(r chi.Router) {
	s.api(r, "GET", api.PathPurchaseLists, needs(policies.PurchaseListsRead), s.handleListIndex)
	s.api(r, "POST", api.PathPurchaseLists, needs(policies.PurchaseListsManage), s.handleListCreate)
	s.api(r, "GET", api.PathPurchaseLists+"/{id}", needs(policies.PurchaseListsRead), s.handleListGet)
	s.api(r, "PATCH", api.PathPurchaseLists+"/{id}", needs(policies.PurchaseListsManage), s.handleListUpdate)
	s.api(r, "DELETE", api.PathPurchaseLists+"/{id}", needs(policies.PurchaseListsManage), s.handleListDelete)
	s.api(r, "POST", api.PathPurchaseLists+"/{id}/items", needs(policies.PurchaseListsManage), s.handleListAdd)
	s.api(r, "DELETE", api.PathPurchaseLists+"/{id}/items/{item_id}", needs(policies.PurchaseListsManage), s.handleListRemove)
	s.api(r, "POST", api.PathPurchaseLists+"/{id}/cart", needs(policies.CartManage), s.handleListToCart)
}

func toAPIList(l *portal.PurchaseList, actor *portal.User) api.PurchaseList {
	out := api.PurchaseList{ID: l.ID, Name: l.Name, Sharing: l.Sharing, OwnerName: l.OwnerName, Mine: l.OwnerID == actor.ID,
		CanEdit: l.CanEdit, ItemCount: l.ItemCount, UpdatedAt: l.UpdatedAt.UTC().Format(time.RFC3339)}
	for _, it := range l.Items {
		out.Items = append(out.Items, api.PurchaseListItem{ID: it.ID, ProductID: it.ProductID, Code: it.Code, Name: it.Name,
			Quantity: it.Quantity, UOM: it.UOM, Dimensions: it.Dimensions, Processing: it.Processing, Notes: it.Notes, Available: it.Available})
	}
	return out
}

func fromAPIListAdd(in api.PurchaseListAdd) portal.ListItemsAdd {
	return portal.ListItemsAdd{Items: fromAPICartItems(in.Items), FromOrderID: in.FromOrderID, LineNos: in.LineNos, FromCart: in.FromCart}
}

func (s *Server) lists() (portal.PurchaseListService, error) {
	if s.PurchaseLists == nil {
		return nil, errNotFound
	}
	return s.PurchaseLists, nil
}

func (s *Server) handleListIndex(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.lists()
	if err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	ls, err := svc.PurchaseLists(r.Context(), cur.user)
	if err != nil {
		return err
	}
	out := make([]api.PurchaseList, 0, len(ls))
	for i := range ls {
		out = append(out, toAPIList(&ls[i], cur.user))
	}
	return writePrivateJSON(w, out)
}

func (s *Server) handleListCreate(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.lists()
	if err != nil {
		return err
	}
	var in api.PurchaseListCreate
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	l, err := svc.CreatePurchaseList(r.Context(), cur.user, portal.PurchaseListInput{Name: in.Name, Sharing: in.Sharing,
		Initial: fromAPIListAdd(in.PurchaseListAdd)})
	if err != nil {
		return err
	}
	w.Header().Set("Cache-Control", "no-store")
	return writeJSON(w, http.StatusCreated, toAPIList(l, cur.user))
}

func (s *Server) handleListGet(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.lists()
	if err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	l, err := svc.PurchaseList(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPIList(l, cur.user))
}

func (s *Server) handleListUpdate(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.lists()
	if err != nil {
		return err
	}
	var in api.PurchaseListInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	l, err := svc.UpdatePurchaseList(r.Context(), cur.user, chi.URLParam(r, "id"), portal.PurchaseListInput{Name: in.Name, Sharing: in.Sharing})
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPIList(l, cur.user))
}

func (s *Server) handleListDelete(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.lists()
	if err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	if err := svc.DeletePurchaseList(r.Context(), cur.user, chi.URLParam(r, "id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) handleListAdd(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.lists()
	if err != nil {
		return err
	}
	var in api.PurchaseListAdd
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	l, err := svc.AddToPurchaseList(r.Context(), cur.user, chi.URLParam(r, "id"), fromAPIListAdd(in))
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPIList(l, cur.user))
}

func (s *Server) handleListRemove(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.lists()
	if err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	l, err := svc.RemoveFromPurchaseList(r.Context(), cur.user, chi.URLParam(r, "id"), chi.URLParam(r, "item_id"))
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPIList(l, cur.user))
}

func (s *Server) handleListToCart(w http.ResponseWriter, r *http.Request) error {
	svc, err := s.lists()
	if err != nil {
		return err
	}
	cur, _ := userFrom(r.Context())
	c, err := svc.AddListToCart(r.Context(), cur.user, chi.URLParam(r, "id"))
	if err != nil {
		return err
	}
	return writePrivateJSON(w, toAPICart(c))
}
