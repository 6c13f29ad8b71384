use crate::assets::{DATASTAR_JS, FAVICON_SVG, STYLE_CSS};
use axum::{http::HeaderMap, response::Response};

pub async fn style(headers: HeaderMap) -> Response {
    STYLE_CSS.respond(&headers)
}

pub async fn favicon(headers: HeaderMap) -> Response {
    FAVICON_SVG.respond(&headers)
}

pub async fn datastar(headers: HeaderMap) -> Response {
    DATASTAR_JS.respond(&headers)
}
