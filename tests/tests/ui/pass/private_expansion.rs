//! What `#[atlas_endpoint]` and `pattern!` expand to, written out by hand against
//! `atlas_runtime::__private`, the one module generated code names: every item of it is
//! used here, so renaming one without the macro fails this case.

use atlas_runtime::__private as p;

#[derive(Clone)]
pub struct ListThings {
    pub org_id: String,
    pub items_per_page: Option<i32>,
    pub page_num: Option<i32>,
    pub name: p::Patch<String>,
    pub tags: Vec<String>,
    pub request_id: Option<String>,
}

const ORG: p::Pattern = p::pattern_run("^([a-f0-9]{24})$", b"", &HEX, b"", 24, 24);
const HEX: [u8; 256] = {
    let mut t = [0u8; 256];
    let mut b = b'0';
    while b <= b'9' {
        t[b as usize] = 1;
        b += 1;
    }
    let mut b = b'a';
    while b <= b'f' {
        t[b as usize] = 1;
        b += 1;
    }
    t
};
// `^a+` as tables: from the start (2), an `a` is a match (1, absorbing); else dead (0).
const CLASSES: [u8; 256] = {
    let mut c = [0u8; 256];
    c[b'a' as usize] = 1;
    c
};
const A_PLUS: p::Pattern = p::pattern_tables(
    "^a+",
    &CLASSES,
    b"\0\0\0\0\x01\0\x01\0\0\0\x01\0",
    2,
    2,
    b"\0\x01\0",
    0,
    usize::MAX,
);

impl p::Endpoint for ListThings {
    type Response = atlas_runtime::Paginated<p::serde_json::Value>;
    const INFO: p::EndpointInfo = p::endpoint_info(
        p::Method::Get,
        "/orgs/{orgId}/things",
        Some("2024-08-05"),
        None,
        "ListThings",
        &[
            p::param_info(
                "org_id",
                "orgId",
                p::Location::Path,
                true,
                false,
                false,
                &[p::Constraint::Pattern(ORG)],
            )
            .with_type_pattern(<String as p::PathSegment>::PATTERN),
            p::param_info(
                "items_per_page",
                "itemsPerPage",
                p::Location::Query,
                false,
                false,
                false,
                &[p::Constraint::Range {
                    min: Some(p::Bound { value: p::Number::Int(1), exclusive: false }),
                    max: None,
                }],
            ),
            p::param_info("page_num", "pageNum", p::Location::Query, false, false, false, &[]),
            p::param_info(
                "name",
                "name",
                p::Location::Body,
                false,
                false,
                false,
                &[p::Constraint::Pattern(A_PLUS), p::Constraint::Length { min: Some(1), max: None }],
            ),
            p::param_info("tags", "tags", p::Location::Query, false, false, false, &[]),
            p::param_info("request_id", "X-Request-Id", p::Location::Header, false, false, false, &[]),
        ],
        p::BodyKind::Object,
        false,
    );

    fn validate(&self) -> Result<(), p::ValidationError> {
        let params = <Self as p::Endpoint>::INFO.params;
        let mut v = p::Validator::new();
        p::check_path(&mut v, &params[0], &self.org_id);
        p::check_range::<Option<i32>>(&mut v, &params[1], &self.items_per_page);
        if <Option<i32> as p::ParamValues>::PATTERN.is_some() {
            <Option<i32> as p::ParamValues>::each_value(&self.page_num, &mut |t| {
                p::check_text(&mut v, &params[2], t)
            });
        }
        p::check_pattern::<p::Patch<String>>(&mut v, &params[3], &self.name);
        p::check_length::<p::Patch<String>>(&mut v, &params[3], &self.name);
        p::check_header(&mut v, &params[5], &self.request_id);
        v.finish(<Self as p::Endpoint>::INFO.type_name)
    }

    fn write_path(&self, path: &mut p::PathWriter) {
        path.literal("/orgs/");
        path.segment(&self.org_id);
        path.literal("/things");
    }

    fn write_query(&self, w: &mut p::QueryWriter) {
        w.param::<Option<i32>>("itemsPerPage", &self.items_per_page);
        w.param::<Option<i32>>("pageNum", &self.page_num);
        w.param::<Vec<String>>("tags", &self.tags);
    }

    fn write_headers(&self, w: &mut p::HeaderWriter) {
        w.param("X-Request-Id", &self.request_id);
    }

    fn write_body(&self, body: &mut p::BodyWriter) -> Result<(), p::serde_json::Error> {
        #[derive(p::serde::Serialize)]
        #[serde(crate = "atlas_runtime::__private::serde", rename_all = "camelCase")]
        struct Body<'a> {
            #[serde(skip_serializing_if = "atlas_runtime::__private::Patch::is_unchanged")]
            name: &'a p::Patch<String>,
        }
        body.json(&Body { name: &self.name })
    }
}

impl p::Paged for ListThings {
    type Item = p::serde_json::Value;
    fn page_num(&self) -> Option<i32> {
        self.page_num
    }
    fn set_page_num(&mut self, page: i32) {
        self.page_num = Some(page);
    }
    fn items_per_page(&self) -> Option<i32> {
        self.items_per_page
    }
    fn set_items_per_page(&mut self, size: i32) {
        self.items_per_page = Some(size);
    }
}

impl ListThings {
    pub fn send(&self, client: &p::Client) -> Result<atlas_runtime::Paginated<p::serde_json::Value>, p::Error> {
        client.send(self)
    }
    pub fn pages<'c>(&self, client: &'c p::Client) -> p::Pages<'c, Self> {
        p::Pages::new(client, self)
    }
    pub fn items<'c>(&self, client: &'c p::Client) -> p::Items<'c, Self> {
        p::Items::new(client, self)
    }
}

fn text_rules<T: p::LengthValue + p::PatternValue + ?Sized>() {}
fn number_rules<T: p::RangeValue>() {}

fn main() {
    let call = ListThings {
        org_id: "32b6e34b3d91647abb20e7b8".into(),
        items_per_page: Some(0),
        page_num: None,
        name: p::Patch::Set("b".into()),
        tags: vec![],
        request_id: None,
    };
    let e = p::Endpoint::validate(&call).unwrap_err();
    assert_eq!(e.violations.len(), 2, "{e}");
    assert!(A_PLUS.is_match("xaa") == false && A_PLUS.is_match("aa"));
    text_rules::<String>();
    number_rules::<Option<i32>>();
}
