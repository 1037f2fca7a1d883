//! The catalogue component's part of the OpenAPI document, next to its route table so the two
//! change together; the `itsm-openapi` crate's tests fail when they disagree.

use crate::store::versions::CatalogueVersion;
use crate::wire::{
    CreateServiceRequest, EntryView, Publication, PublishRequest, PublishedCatalogue,
    PublishedItem, ServiceActionRequest, ServiceView, UpdateServiceRequest,
};
use itsm_domain::access::names;
use itsm_domain::catalogue::{CatalogueView, EntryDefinition, ServiceAction, ServiceState};
use itsm_http::openapi::{ApiDoc, OperationDoc};

const SERVICES: &str = "services";
const CATALOGUE: &str = "catalogue";
const CODE: &str = "The service's code, such as hotline.";
const ENTRY: &str = "The entry's code, such as desktop-om.";

pub fn describe(doc: &mut ApiDoc) {
    doc.tag(
        SERVICES,
        "The service portfolio (ISO/IEC 20000-1 §8.2.4): services from planned to retired.",
    );
    doc.tag(CATALOGUE, "The service catalogue (§8.3.3; seeds 001 §6.1, 004-1, 004-7): entries in any language, request forms, and published versions.");
    describe_services(doc);
    describe_entries(doc);
    describe_published(doc);
}

fn describe_services(doc: &mut ApiDoc) {
    let service_ops = ["getService", "updateService", "transitionService"];
    doc.post("/api/v1/services", "createService", "Add a service to the portfolio")
        .tag(SERVICES)
        .authority(names::CATALOGUE_WRITE)
        .describe("It starts `planned` unless `state` says where an existing service stands. Its owners are the users granted the service_owner role for its code.")
        .body::<CreateServiceRequest>()
        .created::<ServiceView>("The new service.")
        .links("code", "$response.body#/code", &service_ops)
        .fails(409, "The code is taken.")
        .add();
    doc.get(
        "/api/v1/services",
        "listServices",
        "List services, oldest first",
    )
    .tag(SERVICES)
    .authority(names::SERVICE_READ)
    .query_choice(
        "state",
        "Only services in this state.",
        ServiceState::ALL.iter().map(|s| s.as_str()),
    )
    .page_of::<ServiceView>("A page of services.")
    .add();
    doc.get("/api/v1/services/{code}", "getService", "Read a service")
        .tag(SERVICES)
        .authority(names::SERVICE_READ)
        .path_param("code", CODE)
        .ok_record::<ServiceView>("The service, its owners and the actions its state allows.")
        .add();
    doc.patch("/api/v1/services/{code}", "updateService", "Rename or describe a service")
        .tag(SERVICES)
        .authority(names::CATALOGUE_WRITE)
        .describe("Absent fields stay as they are; `null` removes the description. The lifecycle moves through the action route.")
        .path_param("code", CODE)
        .body::<UpdateServiceRequest>()
        .if_match()
        .ok_record::<ServiceView>("The changed service.")
        .add();
    doc.post("/api/v1/services/{code}/{action}", "transitionService", "Move a service through its lifecycle")
        .tag(SERVICES)
        .authority(names::CATALOGUE_WRITE)
        .describe("planned → design → transition → live; transition may go back to design. `retire` needs `service.retire`, which only the service's owner holds, and a `reason`; retired services leave the next published catalogue and cannot be ordered.")
        .path_param("code", CODE)
        .path_choice("action", "What to do.", ServiceAction::ALL.iter().map(|a| a.as_str()))
        .optional_body::<ServiceActionRequest>()
        .if_match()
        .ok_record::<ServiceView>("The service in its new state.")
        .fails(409, "The service's state does not allow this action now.")
        .add();
}

fn describe_entries(doc: &mut ApiDoc) {
    doc.get(
        "/api/v1/catalogue/entries",
        "listCatalogueEntries",
        "List the catalogue's working copy",
    )
    .tag(CATALOGUE)
    .authority(names::SERVICE_READ)
    .query("service", "Only entries offering this service.")
    .query_choice(
        "view",
        "Only entries of this view.",
        CatalogueView::ALL.iter().map(|v| v.as_str()),
    )
    .query_choice(
        "withdrawn",
        "List the withdrawn entries instead.",
        ["true", "false"],
    )
    .page_of::<EntryView>("A page of entries, oldest first.")
    .add();
    doc.get(
        "/api/v1/catalogue/entries/{code}",
        "getCatalogueEntry",
        "Read an entry of the working copy",
    )
    .tag(CATALOGUE)
    .authority(names::SERVICE_READ)
    .path_param("code", ENTRY)
    .ok_record::<EntryView>("The entry.")
    .add();
    doc.put("/api/v1/catalogue/entries/{code}", "putCatalogueEntry", "Write a catalogue entry")
        .tag(CATALOGUE)
        .authority(names::CATALOGUE_WRITE)
        .describe("Creates the entry or replaces it whole (a withdrawn entry comes back). Its service must exist and not be retired. Text fields take one text per language, such as {\"en\": …, \"zh\": …}. A `request_form` makes the entry orderable; `approval` names who approves its orders. Customers see it once the catalogue is published.")
        .path_param("code", ENTRY)
        .body::<EntryDefinition>()
        .if_match()
        .ok_record::<EntryView>("The replaced entry.")
        .created::<EntryView>("The new entry.")
        .add();
    doc.delete("/api/v1/catalogue/entries/{code}", "withdrawCatalogueEntry", "Withdraw an entry")
        .tag(CATALOGUE)
        .authority(names::CATALOGUE_WRITE)
        .describe("The entry stays readable and is left out of the next publication; writing it again brings it back.")
        .path_param("code", ENTRY)
        .if_match()
        .ok_record::<EntryView>("The withdrawn entry.")
        .add();
}

/// The `view` filter of the catalogue reads.
fn with_view(op: OperationDoc<'_>) -> OperationDoc<'_> {
    op.query_choice(
        "view",
        "Only the business or the technical view.",
        CatalogueView::ALL.iter().map(|v| v.as_str()),
    )
}

fn describe_published(doc: &mut ApiDoc) {
    with_view(doc.get("/api/v1/catalogue", "getCatalogue", "Read the published catalogue"))
        .tag(CATALOGUE)
        .authority(names::CATALOGUE_READ)
        .describe("The latest published version with its items. Customers see whether an order needs approval, staff also who approves.")
        .ok_record::<PublishedCatalogue>("The catalogue; its ETag is the version number.")
        .fails(404, "No catalogue has been published yet.")
        .add();
    doc.get(
        "/api/v1/catalogue/items/{code}",
        "getCatalogueItem",
        "Read one published item",
    )
    .tag(CATALOGUE)
    .authority(names::CATALOGUE_READ)
    .describe(
        "From the latest published version, with its request form: what an order must answer.",
    )
    .path_param("code", ENTRY)
    .ok_record::<PublishedItem>("The item.")
    .add();
    doc.get(
        "/api/v1/catalogue/versions",
        "listCatalogueVersions",
        "List published versions, newest first",
    )
    .tag(CATALOGUE)
    .authority(names::CATALOGUE_READ)
    .page_of::<CatalogueVersion>("A page of versions.")
    .add();
    doc.post("/api/v1/catalogue/versions", "publishCatalogue", "Publish the catalogue as a new version")
        .tag(CATALOGUE)
        .authority(names::CATALOGUE_PUBLISH)
        .describe("Freezes every entry that is not withdrawn and whose service is live; the answer lists the entries left out and why. Past versions never change.")
        .optional_body::<PublishRequest>()
        .created::<Publication>("The new version.")
        .links("version", "$response.body#/version", &["getCatalogueVersion"])
        .fails(409, "Nothing to publish: no entry of a live service, or nothing changed since the latest version.")
        .add();
    with_view(doc.get(
        "/api/v1/catalogue/versions/{version}",
        "getCatalogueVersion",
        "Read a published version",
    ))
    .tag(CATALOGUE)
    .authority(names::CATALOGUE_READ)
    .path_param("version", "The version number, such as 1.")
    .ok_record::<PublishedCatalogue>("The version and its items.")
    .add();
}
