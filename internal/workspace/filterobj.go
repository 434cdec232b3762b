package workspace

import "slices"

// object reads the object at i; then, unless quiet, decides on it when it
// carries user data.
func (s *scanner) object(i, depth int) (int, error) {
	var info objectInfo
	end, err := s.members(i, depth, func(name span, escaped bool, val span) { s.note(&info, name, escaped, val) })
	if err != nil || s.quiet || len(info.lists) == 0 {
		return end, err
	}
	return end, s.decide(span{i, end}, &info, depth)
}

// members reads the members of the object at i, passing each one's name
// (and whether it has escapes) and value to visit.
func (s *scanner) members(i, depth int, visit func(name span, escaped bool, val span)) (int, error) {
	i = s.ws(i + 1)
	if i < len(s.buf) && s.buf[i] == '}' {
		return i + 1, nil
	}
	for {
		if i >= len(s.buf) || s.buf[i] != '"' {
			return 0, s.syntax(i, "expected a member name")
		}
		nameEnd, escaped, err := s.str(i)
		if err != nil {
			return 0, err
		}
		name := span{i, nameEnd}
		j := s.ws(nameEnd)
		if j >= len(s.buf) || s.buf[j] != ':' {
			return 0, s.syntax(j, "expected ':'")
		}
		vstart := s.ws(j + 1)
		vend, err := s.value(vstart, depth)
		if err != nil {
			return 0, err
		}
		visit(name, escaped, span{vstart, vend})
		var closed bool
		if i, closed, err = s.next(vend, '}', "object"); err != nil || closed {
			return i, err
		}
	}
}

// note records a member the filter reads.
func (s *scanner) note(info *objectInfo, name span, escaped bool, val span) {
	var n string
	if escaped {
		n = s.text(name, true)
	} else {
		n = string(s.buf[name.start+1 : name.end-1]) // no copy: compared only
	}
	isStr := s.buf[val.start] == '"'
	switch n {
	case "userData", "eventContent":
		info.lists = append(info.lists, val)
	case "id":
		if isStr {
			info.id = val
		}
	case "connId":
		if isStr {
			info.connID = val
		}
	case "interactionId":
		if isStr {
			info.ixnID = val
		}
	case "mediatype":
		if isStr {
			info.mediaTyp = val
		}
	case "callUuid":
		info.callUUID = true
	}
}

// decide asks hide about an object that carries user data, and removes
// the hidden pairs from each of its lists. The lists are read again only
// when something is hidden.
func (s *scanner) decide(obj span, info *objectInfo, depth int) error {
	if !slices.ContainsFunc(info.lists, s.hasItems) {
		return nil
	}
	hidden, err := s.hide(s.objectOf(obj, info))
	if err != nil || len(hidden) == 0 {
		return err
	}
	s.quiet = true
	defer func() { s.quiet = false }()
	for _, l := range info.lists {
		var items []item
		switch s.buf[l.start] {
		case '[':
			_, err = s.array(l.start, depth+1, &items)
		case '{':
			_, err = s.members(l.start, depth+1, func(name span, escaped bool, val span) {
				items = append(items, item{span: span{name.start, val.end}, key: s.text(name, escaped), hasKey: true})
			})
		}
		if err != nil {
			return err
		}
		s.removeItems(items, hidden)
	}
	return nil
}

// hasItems reports whether the list (or flat object) at l has an item.
func (s *scanner) hasItems(l span) bool {
	c := s.buf[l.start]
	return (c == '[' || c == '{') && s.buf[s.ws(l.start+1)] != c+2 // ']' is '['+2, '}' is '{'+2
}

// objectOf is the Object hide sees.
func (s *scanner) objectOf(obj span, info *objectInfo) Object {
	o := Object{Raw: s.buf[obj.start:obj.end:obj.end]}
	for _, id := range []span{info.id, info.connID, info.ixnID} {
		if id.end > 0 {
			o.ID = s.stringAt(id)
			break
		}
	}
	switch {
	case info.mediaTyp.end > 0:
		o.MediaType = s.stringAt(info.mediaTyp)
	case info.connID.end > 0 || info.callUUID:
		o.MediaType = "voice"
	}
	return o
}

// stringAt decodes the string value at sp.
func (s *scanner) stringAt(sp span) string {
	_, escaped, _ := s.str(sp.start)
	return s.text(sp, escaped)
}

// pairKey is the key of the pair object at i: its last "key" member, when
// that is a string.
func (s *scanner) pairKey(i, depth int) (string, bool) {
	var key span // the last "key" member's value (end 0: none yet)
	_, err := s.members(i, depth, func(name span, escaped bool, val span) {
		if s.isName(name, escaped, "key") {
			key = val
		}
	})
	if err != nil || key.end == 0 || s.buf[key.start] != '"' {
		return "", false
	}
	return s.stringAt(key), true
}

// isName reports whether the member name at sp is want.
func (s *scanner) isName(sp span, escaped bool, want string) bool {
	if escaped {
		return s.text(sp, true) == want
	}
	return string(s.buf[sp.start+1:sp.end-1]) == want
}
