#ifndef ORDRECON_CCURL_SHIM_H
#define ORDRECON_CCURL_SHIM_H
#include <curl/curl.h>

// curl_easy_setopt and curl_easy_getinfo are variadic, which Swift cannot call. Each wrapper
// below passes exactly one argument type, so a call from Swift is checked by the compiler.

/// An option that takes a `long` (timeouts, flags, HTTP version).
static inline CURLcode ordrecon_curl_set_long(CURL *handle, CURLoption option, long value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a C string (URL, CA bundle, user agent). libcurl copies the string.
static inline CURLcode ordrecon_curl_set_string(CURL *handle, CURLoption option, const char *value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a pointer that libcurl keeps (write data, header list, POST body).
static inline CURLcode ordrecon_curl_set_pointer(CURL *handle, CURLoption option, void *value) {
    return curl_easy_setopt(handle, option, value);
}

/// An option that takes a header list (CURLOPT_HTTPHEADER); the list must outlive the transfer.
static inline CURLcode ordrecon_curl_set_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    return curl_easy_setopt(handle, option, value);
}

/// The callback type for CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION.
typedef size_t (*ordrecon_curl_data_callback)(char *data, size_t size, size_t count, void *context);

/// Sets CURLOPT_WRITEFUNCTION or CURLOPT_HEADERFUNCTION.
static inline CURLcode ordrecon_curl_set_callback(CURL *handle, CURLoption option, ordrecon_curl_data_callback callback) {
    return curl_easy_setopt(handle, option, callback);
}

/// The callback type for CURLOPT_XFERINFOFUNCTION: a non-zero return aborts the transfer
/// (CURLE_ABORTED_BY_CALLBACK).
typedef int (*ordrecon_curl_xferinfo_callback)(void *context, curl_off_t dltotal, curl_off_t dlnow,
                                               curl_off_t ultotal, curl_off_t ulnow);

/// Sets CURLOPT_XFERINFOFUNCTION.
static inline CURLcode ordrecon_curl_set_xferinfo(CURL *handle, ordrecon_curl_xferinfo_callback callback) {
    return curl_easy_setopt(handle, CURLOPT_XFERINFOFUNCTION, callback);
}

/// Sets the POST body size (CURLOPT_POSTFIELDSIZE_LARGE takes a curl_off_t).
static inline CURLcode ordrecon_curl_set_offset(CURL *handle, CURLoption option, curl_off_t value) {
    return curl_easy_setopt(handle, option, value);
}

/// Reads a `long` result (CURLINFO_RESPONSE_CODE, CURLINFO_OS_ERRNO).
static inline CURLcode ordrecon_curl_get_long(CURL *handle, CURLINFO info, long *value) {
    return curl_easy_getinfo(handle, info, value);
}

/// Reads a `curl_off_t` result (CURLINFO_TOTAL_TIME_T, in microseconds).
static inline CURLcode ordrecon_curl_get_offset(CURL *handle, CURLINFO info, curl_off_t *value) {
    return curl_easy_getinfo(handle, info, value);
}
/// A multi handle option that takes a `long` (connection limits, pipelining).
static inline CURLMcode ordrecon_curl_multi_set_long(CURLM *multi, CURLMoption option, long value) {
    return curl_multi_setopt(multi, option, value);
}

/// The result code of a finished transfer's message (CURLMSG_DONE); the union is read in C.
static inline CURLcode ordrecon_curl_message_result(const CURLMsg *message) {
    return message->data.result;
}
#endif
