package markdown

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCellAndCode(t *testing.T) {
	if got := Cell("a|b\nc"); got != `a\|b<br>c` {
		t.Errorf("Cell = %q", got)
	}
	if got := Code(`x["a"]`); got != "`x[\"a\"]`" {
		t.Errorf("Code = %q", got)
	}
	if got := Code("a`b"); got != "``a`b``" {
		t.Errorf("Code with backtick = %q", got)
	}
}

func TestTableAndAlert(t *testing.T) {
	var b bytes.Buffer
	Table(&b, "lr", []string{"Type", "Add"}, [][]string{{"x", "1"}})
	Alert(&b, "CAUTION", "line one", "line two")
	want := "| Type | Add |\n|---|---:|\n| x | 1 |\n> [!CAUTION]\n> line one\n> line two\n\n"
	if b.String() != want {
		t.Errorf("got %q", b.String())
	}
}

func TestTruncate(t *testing.T) {
	body := "<details>\n\n```\n" + strings.Repeat("line of text ✓\n", 1000)
	cut, ok := Truncate(body, 2000, func(total int) string { return fmt.Sprintf("cut from %d", total) })
	if !ok || utf8.RuneCountInString(cut) > 2000 {
		t.Fatalf("truncated to %d characters (%v)", utf8.RuneCountInString(cut), ok)
	}
	if !strings.HasSuffix(cut, "line of text ✓\n```\n</details>\n\n---\n> [!WARNING]\n> cut from 15015\n") {
		t.Errorf("cut does not end at a line with closers and note: %q", cut[len(cut)-120:])
	}
	if same, ok := Truncate("short", 10, nil); same != "short" || ok {
		t.Errorf("short body changed: %q %v", same, ok)
	}
}

func TestEscapesHTMLAndPipesInCells(t *testing.T) {
	if got := Cell(`<b>x</b> & y|z`); got != `&lt;b&gt;x&lt;/b&gt; &amp; y\|z` {
		t.Errorf("Cell = %q", got)
	}
	if got := CodeCell("a|b\nc"); got != "`a\\|b c`" {
		t.Errorf("CodeCell = %q", got)
	}
	if got := Text("<script>"); got != "&lt;script&gt;" {
		t.Errorf("Text = %q", got)
	}
}
