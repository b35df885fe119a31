from django.urls import path
from rest_framework.routers import DefaultRouter

from wijkkracht.casefile import api as casefile_api
from wijkkracht.casefile import handover_api as casefile_handover_api
from wijkkracht.casefile import worklist_api as casefile_worklist_api
from wijkkracht.consent import api as consent_api
from wijkkracht.diagnosis import api as diagnosis_api
from wijkkracht.escalations import api as escalations_api
from wijkkracht.households import api as households_api
from wijkkracht.instruments import api as instruments_api
from wijkkracht.mandate import api_routes as mandate_api_routes
from wijkkracht.outcomes import api as outcomes_api
from wijkkracht.outcomes import export_api as outcomes_export_api
from wijkkracht.plans import api as plans_api
from wijkkracht.referrals import api as referrals_api
from wijkkracht.socialmap import api as socialmap_api
from wijkkracht.teams import api as teams_api


class Router(DefaultRouter):
    """JSON is the only format: no `.json` suffix routes (their views would get an unexpected `format`)."""

    include_format_suffixes = False


router = Router()
router.register("households", casefile_api.HouseholdViewSet, basename="household")
router.register("workload", casefile_worklist_api.WorkloadViewSet, basename="workload")
router.register("handovers", casefile_handover_api.HandoverViewSet, basename="handover")
router.register("persons", households_api.PersonViewSet, basename="person")
router.register("contacts", households_api.ContactViewSet, basename="contact")
router.register("tasks", households_api.TaskViewSet, basename="task")
router.register("income-work-records", households_api.IncomeWorkRecordViewSet, basename="income-work-record")
router.register("teams", teams_api.TeamViewSet, basename="team")
router.register("districts", teams_api.DistrictViewSet, basename="district")
router.register("instruments", instruments_api.InstrumentViewSet, basename="instrument")
router.register("measurements", diagnosis_api.MeasurementViewSet, basename="measurement")
router.register("work-waivers", diagnosis_api.WorkWaiverViewSet, basename="work-waiver")
router.register("plans", plans_api.PlanViewSet, basename="plan")
router.register("methods", plans_api.MethodViewSet, basename="method")
router.register("organizations", socialmap_api.OrganizationViewSet, basename="organization")
router.register("services", socialmap_api.ServiceViewSet, basename="service")
router.register("consents", consent_api.ConsentViewSet, basename="consent")
router.register("referrals", referrals_api.ReferralViewSet, basename="referral")
router.register("outcomes/indicators", outcomes_api.IndicatorViewSet, basename="outcomes-indicator")
router.register("outcomes/conclusions", outcomes_api.ConclusionViewSet, basename="outcomes-conclusion")
mandate_api_routes.register(router)
escalations_api.register(router)

urlpatterns = [
    *router.urls,
    *mandate_api_routes.urlpatterns,
    *escalations_api.urlpatterns,
    # The benchmark: one answer (aggregates for a period), neither a list nor a record (see outcomes.api).
    path(
        "outcomes/benchmark/",
        outcomes_api.BenchmarkViewSet.as_view({"get": "retrieve"}),
        name="outcomes-benchmark",
    ),
    # The research export: a POST that answers a file, neither a list nor a record (see outcomes.export_api).
    path(
        "outcomes/export/",
        outcomes_export_api.ResearchExportViewSet.as_view({"post": "create"}),
        name="outcomes-export",
    ),
]
