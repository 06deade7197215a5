// Package csvsafe neutralises text that a spreadsheet would run as a formula when it
// opens a CSV file (CSV or formula injection): a name such as =HYPERLINK("http://x",
// "klik") or @SUM(1) in a cell of an export the office opens in Excel. Every CSV the
// service or its tools write passes its free-text cells through Text; numbers the
// service itself writes as numbers stay as they are.
package csvsafe

// Text returns s as it is, or, when it starts with a character a spreadsheet reads as
// the start of a formula (= + - @, or a tab or carriage return before one), with a
// single quote in front (OWASP's advice): the spreadsheet then shows the text as text,
// the quote not shown in Excel, and the text stays readable everywhere else.
func Text(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		return "'" + s
	}
	return s
}
