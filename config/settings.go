package config

import (
	"fmt"
	"reflect"
	"strings"
	"sync"
)

// Setting describes one setting of Config, read from its struct tags.
type Setting struct {
	Key     string // key in the TOML file, "feeds.lookback" for [feeds] lookback
	Env     string // environment variable, SAMKAL_FEEDS_LOOKBACK
	Flag    string // command-line flag without dashes, "" if none
	Default string // the default value, or a description of how it is derived
	Help    string // what the setting means

	derived bool   // Default describes a computed value
	field   string // Go field name, to map errors back to the setting
	index   []int  // field index path in Config
}

var settings = sync.OnceValue(func() []Setting {
	return walk(reflect.TypeFor[Config](), reflect.ValueOf(Default()).Elem(), "", EnvPrefix, nil)
})

// Settings lists every setting of Config in field order.
func Settings() []Setting { return settings() }

func walk(t reflect.Type, def reflect.Value, keyPrefix, envPrefix string, index []int) []Setting {
	var out []Setting
	for i := range t.NumField() {
		f := t.Field(i)
		key := f.Tag.Get("toml")
		if !f.IsExported() || key == "" {
			continue
		}
		idx := append(append([]int(nil), index...), i)
		if p, ok := f.Tag.Lookup("envPrefix"); ok && f.Type.Kind() == reflect.Struct {
			out = append(out, walk(f.Type, def.Field(i), keyPrefix+key+".", envPrefix+p, idx)...)
			continue
		}
		d, derived := f.Tag.Lookup("defaultText")
		if !derived {
			d = fmt.Sprint(def.Field(i).Interface())
		}
		out = append(out, Setting{
			Key:     keyPrefix + key,
			Env:     envPrefix + f.Tag.Get("env"),
			Flag:    f.Tag.Get("flag"),
			Default: d,
			Help:    f.Tag.Get("help"),
			derived: derived,
			field:   f.Name,
			index:   idx,
		})
	}
	return out
}

// MarkdownTable renders Settings as the Markdown table in the README, so
// that the README cannot drift from the code (a test compares them).
func MarkdownTable() string {
	var b strings.Builder
	b.WriteString("| Setting (TOML) | Environment | Flag | Default | Meaning |\n")
	b.WriteString("|---|---|---|---|---|\n")
	for _, s := range Settings() {
		flag, def := "", "`"+s.Default+"`"
		if s.Flag != "" {
			flag = "`--" + s.Flag + "`"
		}
		switch {
		case s.derived:
			def = s.Default
		case s.Default == "":
			def = "(none)"
		}
		fmt.Fprintf(&b, "| `%s` | `%s` | %s | %s | %s |\n", s.Key, s.Env, flag, def, strings.ReplaceAll(s.Help, "|", `\|`))
	}
	return b.String()
}
