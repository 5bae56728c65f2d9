package http

import (
	"context"

	"github.com/go-chi/chi/v5"

	"example.com/portal/backend/api"
	"example.com/portal/backend/internal/portal"
)

// catalogSync is the pricing and catalog side of the back office; nil
// when the server has none.
func (s *Server) catalogSync() (portal.CatalogSync, error) {
	if s.CatalogSync == nil {
		return nil, portal.Errorf(portal.EUNAVAILABLE, "The back-office pricing API is not configured.")
	}
	return s.CatalogSync, nil
}

// backOfficePricingRoutes registers the ERP's pricing and catalog batches
// (api/backoffice_pricing.go).
func (s *Server) backOfficePricingRoutes(r chi.Router) {
	s.api(r, "PUT", api.PathBackOfficeContractPrices, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeContractPrice) ([]portal.RowResult, error) {
		cs, err := s.catalogSync()
		if err != nil {
			return nil, err
		}
		return cs.UpsertContractPrices(ctx, convertRows(rows, func(v api.BackOfficeContractPrice) portal.ContractPriceInput { return portal.ContractPriceInput(v) }))
	}))
	s.api(r, "PUT", api.PathBackOfficePriceBreaks, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficePriceBreaks) ([]portal.RowResult, error) {
		cs, err := s.catalogSync()
		if err != nil {
			return nil, err
		}
		return cs.SetPriceBreaks(ctx, convertRows(rows, func(v api.BackOfficePriceBreaks) portal.PriceBreaksInput {
			return portal.PriceBreaksInput{ProductExternalID: v.ProductExternalID,
				Breaks: convertRows(v.Breaks, func(b api.BackOfficePriceBreak) portal.PriceBreakInput { return portal.PriceBreakInput(b) })}
		}))
	}))
	s.api(r, "PUT", api.PathBackOfficePromotions, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficePromotion) ([]portal.RowResult, error) {
		cs, err := s.catalogSync()
		if err != nil {
			return nil, err
		}
		return cs.UpsertPromotions(ctx, convertRows(rows, func(v api.BackOfficePromotion) portal.PromotionInput { return portal.PromotionInput(v) }))
	}))
	s.api(r, "PUT", api.PathBackOfficePromoCodes, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficePromoCode) ([]portal.RowResult, error) {
		cs, err := s.catalogSync()
		if err != nil {
			return nil, err
		}
		return cs.UpsertPromoCodes(ctx, convertRows(rows, func(v api.BackOfficePromoCode) portal.PromoCodeInput { return portal.PromoCodeInput(v) }))
	}))
	s.api(r, "PUT", api.PathBackOfficeCustomerProducts, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeCustomerProducts) ([]portal.RowResult, error) {
		cs, err := s.catalogSync()
		if err != nil {
			return nil, err
		}
		return cs.SetCustomerProducts(ctx, convertRows(rows, func(v api.BackOfficeCustomerProducts) portal.CustomerProductsInput {
			return portal.CustomerProductsInput(v)
		}))
	}))
	s.api(r, "PUT", api.PathBackOfficeProductDetails, backOffice, batchHandler(s, func(ctx context.Context, rows []api.BackOfficeProductDetails) ([]portal.RowResult, error) {
		cs, err := s.catalogSync()
		if err != nil {
			return nil, err
		}
		return cs.SetProductDetails(ctx, convertRows(rows, fromAPIProductDetails))
	}))
}

func fromAPIProductDetails(v api.BackOfficeProductDetails) portal.ProductDetailsInput {
	in := portal.ProductDetailsInput{ProductExternalID: v.ProductExternalID, Exclusive: v.Exclusive, RelatedProductExternalIDs: v.RelatedProductExternalIDs}
	if v.Images != nil {
		list := convertRows(*v.Images, func(im api.ShopImage) portal.ProductImage { return portal.ProductImage(im) })
		in.Images = &list
	}
	if v.ProcessingOptions != nil {
		list := convertRows(*v.ProcessingOptions, func(o api.BackOfficeProcessingOption) portal.ProcessingOptionInput {
			return portal.ProcessingOptionInput(o)
		})
		in.ProcessingOptions = &list
	}
	if v.RequiredDimensions != nil {
		list := convertRows(*v.RequiredDimensions, func(d api.BackOfficeDimension) portal.DimensionInput { return portal.DimensionInput(d) })
		in.RequiredDimensions = &list
	}
	return in
}
