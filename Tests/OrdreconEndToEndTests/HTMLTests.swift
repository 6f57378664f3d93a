import Testing

@testable import OrdreconEngine

/// The report's markup type: text is escaped unless it is marked as markup.
struct HTMLTests {
    @Test("interpolated text is escaped, literals and HTML values are markup")
    func escapingByDefault() {
        let hostile = #"<script>alert(1)</script> & "q" 'a'"# + "\u{0}"
        let cell: HTML = "<td class=\"msg\">\(hostile)</td>"
        #expect(
            cell.markup
                == "<td class=\"msg\">&lt;script&gt;alert(1)&lt;/script&gt; &amp; &quot;q&quot; &#39;a&#39;\u{FFFD}</td>"
        )
        let link: HTML = "<a href=\"\(hostile)\">\(HTML(trusted: "<b>bold</b>"))</a>"
        #expect(link.markup.hasPrefix("<a href=\"&lt;script&gt;"))
        #expect(link.markup.hasSuffix("\"><b>bold</b></a>"))
        #expect(HTML(text: "a<b").markup == "a&lt;b")
        let row: HTML = "<tr>\(cell)\(42)</tr>"
        #expect(row.markup == "<tr>" + cell.markup + "42</tr>")
    }

    @Test("pieces add up and join")
    func composing() {
        var out: HTML = "<p>"
        out += "\("x & y")"
        out = out + "</p>"
        #expect(out.markup == "<p>x &amp; y</p>")
        let links: [HTML] = ["<a>1</a>", "\("<2>")"]
        #expect(links.joined(separator: ", ").markup == "<a>1</a>, &lt;2&gt;")
        #expect(([] as [HTML]).joined().markup == "")
    }

    @Test("text without special characters is left as it is")
    func plainText() {
        for text in ["", "plain", "ünïcødé ✓ 🍕", "1,234.50 / 12"] {
            #expect(HTML.escape(text) == text)
        }
    }
}
