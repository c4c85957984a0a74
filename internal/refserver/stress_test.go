// Copyright (c) The terraform-provider-ufdl authors
// SPDX-License-Identifier: Apache-2.0

package refserver_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/waikato-ufdl/terraform-provider-ufdl/internal/refserver"
)

// TestStressMixedWorkload runs 64 goroutines against one server over HTTP for a bounded
// time, mixing creates, PATCHes, PUTs, filtered and unfiltered lists, retrieves and deletes,
// some on images of their own and some on images they share. Run it with -race. During the
// run and afterwards:
//   - (name, version) is unique, and of two creates racing for one name at most one wins;
//   - no update is lost: each field of a shared image, written by one goroutine only while
//     seven others write the other fields, holds the last value its writer was told it stored;
//   - every goroutine's own images are exactly what it was told, and its filtered lists, and
//     its own part of every unfiltered list it took while the others wrote, showed exactly them;
//   - no answer is a 5xx or a transport error, and a retrieve answers 200 or 404 only;
//   - the full list, a retrieve of each image and the server's own view agree.
//
// It runs for 3 s (1 s with -short), at most 400 operations a goroutine; for a soak set
// UFDL_STRESS_DURATION (e.g. 60s), which also lifts the operation limit:
//
//	UFDL_STRESS_DURATION=60s go test -race -run TestStress -v ./internal/refserver
func TestStressMixedWorkload(t *testing.T) {
	t.Parallel()
	const goroutines = 64
	duration, maxOps := 3*time.Second, 400
	if testing.Short() {
		duration = time.Second
	}
	if v := os.Getenv("UFDL_STRESS_DURATION"); v != "" {
		d, err := time.ParseDuration(v)
		if err != nil || d <= 0 {
			t.Fatalf("UFDL_STRESS_DURATION=%q: want a positive duration such as 60s", v)
		}
		duration, maxOps = d, math.MaxInt
	}
	srv, err := refserver.New(refserver.Options{RecordLimit: 64})
	if err != nil {
		t.Fatal(err)
	}
	hs := httptest.NewServer(srv)
	defer hs.Close()
	transport := &http.Transport{MaxIdleConns: 2 * goroutines, MaxIdleConnsPerHost: 2 * goroutines}
	defer transport.CloseIdleConnections()
	adminUser, adminPassword, _, _ := srv.Credentials()
	c := &stressClient{url: hs.URL, http: &http.Client{Transport: transport, Timeout: time.Minute}}
	st, body := c.do("POST", "/v1/auth/obtain", map[string]string{"username": adminUser, "password": adminPassword})
	var tok struct{ Access string }
	if st != http.StatusOK || json.Unmarshal(body, &tok) != nil {
		t.Fatalf("login: %d %s", st, body)
	}
	c.token = tok.Access

	// Eight shared images; writer g owns field g/8 of shared image g%8.
	shared := make([]int64, 8)
	for i := range shared {
		st, body := c.do("POST", "/v1/docker/create", stressBody(fmt.Sprintf("shared-%d", i), "v1"))
		if st != http.StatusCreated {
			t.Fatalf("creating shared image %d: %d %s", i, st, body)
		}
		shared[i] = stressPK(body)
	}

	s := &stressRun{c: c, shared: shared, raceOwner: map[string]int{}, deadline: time.Now().Add(duration),
		lastWrite: make([]any, goroutines), own: make([]map[int64]stressModel, goroutines)}
	s.maxPK.Store(slices.Max(shared))
	start := time.Now()
	var wg sync.WaitGroup
	for g := 0; g < goroutines; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s.worker(g, maxOps)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	s.errMu.Lock()
	for _, e := range s.errs {
		t.Error(e)
	}
	s.errMu.Unlock()
	total := int64(0)
	counts := make([]string, len(stressOpNames))
	for k, name := range stressOpNames {
		n := s.ops[k].Load()
		total += n
		counts[k] = fmt.Sprintf("%s %d", name, n)
	}
	t.Logf("%d operations by %d goroutines in %s (%.0f/s): %s; racing creates: %d won, %d refused as duplicates",
		total, goroutines, elapsed.Round(time.Millisecond), float64(total)/elapsed.Seconds(), strings.Join(counts, ", "),
		s.raceWins.Load(), s.raceLost.Load())
	if t.Failed() {
		t.FailNow()
	}

	images := srv.Images()
	byPK := map[int64]map[string]any{}
	seen := map[string]int64{}
	for _, img := range images {
		pk := img["pk"].(int64)
		byPK[pk] = img
		key := fmt.Sprint(img["name"], ":", img["version"])
		if other, dup := seen[key]; dup {
			t.Errorf("two images %s: pks %d and %d", key, other, pk)
		}
		seen[key] = pk
	}

	// No lost update on the shared images.
	for g, v := range s.lastWrite {
		if v == nil {
			continue // this writer never stored a value
		}
		field := stressFields[g/8]
		img := byPK[shared[g%8]]
		if got := stressFieldValue(img, field); !reflect.DeepEqual(got, v) {
			t.Errorf("lost update: shared image %d's %s is %v, but goroutine %d last stored %v", shared[g%8], field, got, g, v)
		}
	}

	// Every goroutine's own images are exactly what it was told, and no deleted one remains.
	for g, model := range s.own {
		prefix := fmt.Sprintf("priv-g%02d-", g)
		for pk, m := range model {
			img, ok := byPK[pk]
			if !ok {
				t.Errorf("goroutine %d's image %d (%s) is gone", g, pk, m.name)
				continue
			}
			if err := m.matches(img); err != nil {
				t.Errorf("goroutine %d's image %d: %v", g, pk, err)
			}
		}
		for pk, img := range byPK {
			if strings.HasPrefix(img["name"].(string), prefix) {
				if _, ok := model[pk]; !ok {
					t.Errorf("image %d (%v) of goroutine %d should have been deleted", pk, img["name"], g)
				}
			}
		}
	}

	// The full list, each retrieve and the server's own view agree.
	st, body = c.do("POST", "/v1/docker/list", nil)
	var list []map[string]any
	if st != http.StatusOK || json.Unmarshal(body, &list) != nil {
		t.Fatalf("list: %d %s", st, body)
	}
	if len(list) != len(images) {
		t.Errorf("the list shows %d images, the server holds %d", len(list), len(images))
	}
	for _, item := range list {
		pk := int64(item["pk"].(float64))
		st, body := c.do("GET", fmt.Sprintf("/v1/docker/%d", pk), nil)
		var got map[string]any
		if st != http.StatusOK || json.Unmarshal(body, &got) != nil {
			t.Errorf("retrieve %d: %d %s", pk, st, body)
			continue
		}
		if !reflect.DeepEqual(normaliseTasks(got), normaliseTasks(item)) {
			t.Errorf("image %d: the list shows %v, a retrieve %v", pk, item, got)
		}
		if _, ok := byPK[pk]; !ok {
			t.Errorf("the list shows image %d, which the server does not hold", pk)
		}
	}
}

// stressFields are the shared images' fields, one writer each.
var stressFields = []string{"url", "registry_url", "registry_username", "registry_password", "tasks", "licence", "framework", "cpu"}

var stressLicences = []string{"AGPL3", "Apache 2.0", "BSD 2-clause", "BSD 3-clause", "GPL3", "MIT"}

var stressTaskSets = [][]string{{}, {"Train"}, {"Predict"}, {"Export", "Predict"}, {"Export", "Predict", "Train"}}

// stressValue is the i-th value goroutine g writes to field, in request form.
func stressValue(field string, g, i int) any {
	switch field {
	case "url":
		return fmt.Sprintf("registry.example.com:443/g%d/img:%d", g, i)
	case "registry_url":
		return fmt.Sprintf("reg-%d-%d.example.com:443", g, i)
	case "registry_username", "registry_password":
		return fmt.Sprintf("%s-%d-%d", field[9:], g, i)
	case "tasks":
		return stressTaskSets[i%len(stressTaskSets)]
	case "licence":
		return stressLicences[i%len(stressLicences)]
	case "framework":
		return int64(1 + i%16)
	case "cpu":
		return i%2 == 0
	}
	panic(field)
}

// stressFieldValue reads field from a response-form image (Images() or decoded JSON) in
// the form stressValue writes it.
func stressFieldValue(img map[string]any, field string) any {
	switch field {
	case "tasks":
		var tasks []string
		switch v := img["tasks"].(type) {
		case []string:
			tasks = append(tasks, v...)
		case []any:
			for _, x := range v {
				tasks = append(tasks, x.(string))
			}
		}
		sort.Strings(tasks)
		if tasks == nil {
			tasks = []string{}
		}
		return tasks
	case "framework":
		switch pk := img["framework"].(map[string]any)["pk"].(type) {
		case int64:
			return pk
		case float64:
			return int64(pk)
		}
		return nil
	}
	return img[field]
}

func stressBody(name, version string) map[string]any {
	return map[string]any{
		"name": name, "version": version,
		"url":          "registry.example.com:443/team/" + name + ":" + version,
		"registry_url": "registry.example.com:443", "registry_username": "public", "registry_password": "public",
		"cuda_version": "11.1", "framework": 12, "domain": "od", "tasks": []string{"Train", "Predict"},
		"min_hardware_generation": "Pascal", "cpu": false, "licence": "GPL3",
	}
}

// stressModel is what a goroutine expects one of its own images to hold.
type stressModel struct {
	name, version, url string
	tasks              []string
}

func (m stressModel) matches(img map[string]any) error {
	got := stressModel{name: fmt.Sprint(img["name"]), version: fmt.Sprint(img["version"]), url: fmt.Sprint(img["url"]),
		tasks: stressFieldValue(img, "tasks").([]string)}
	want := m
	want.tasks = slices.Sorted(slices.Values(m.tasks))
	if want.tasks == nil {
		want.tasks = []string{}
	}
	if !reflect.DeepEqual(got, want) {
		return fmt.Errorf("holds %+v, want %+v", got, want)
	}
	return nil
}

// The kinds of operation, counted separately.
const (
	opPatchShared = iota
	opCreate
	opPatchOwn
	opPutOwn
	opListOwn
	opDelete
	opRaceCreate
	opRaceDelete
	opRetrieveAny
	opListAll
	numStressOps
)

var stressOpNames = [numStressOps]string{"PATCH shared", "create", "PATCH own", "PUT own", "filtered list",
	"delete", "racing create", "racing delete", "retrieve any", "full list"}

// stressOpWeights are the operations' relative frequencies, in stressOpNames' order.
var stressOpWeights = [numStressOps]int{10, 4, 4, 4, 4, 4, 4, 3, 2, 1}

func pickStressOp(rng *rand.Rand) int {
	r := rng.IntN(40) // the sum of the weights
	for kind, w := range stressOpWeights {
		if r < w {
			return kind
		}
		r -= w
	}
	panic("stressOpWeights do not add up to 40")
}

type stressRun struct {
	c        *stressClient
	shared   []int64
	deadline time.Time
	ops      [numStressOps]atomic.Int64 // operations done, by kind
	maxPK    atomic.Int64               // the largest pk created so far

	lastWrite []any                   // per writer: the last value of its shared field the server stored
	own       []map[int64]stressModel // per goroutine: its own images

	raceMu    sync.Mutex
	raceOwner map[string]int // racing name -> goroutine holding it, while it exists
	raceWins  atomic.Int64
	raceLost  atomic.Int64

	errMu sync.Mutex
	errs  []string
}

func (s *stressRun) fail(format string, args ...any) {
	s.errMu.Lock()
	defer s.errMu.Unlock()
	if len(s.errs) < 20 {
		s.errs = append(s.errs, fmt.Sprintf(format, args...))
	}
}

// created notes a new image's pk for the retrieves of random images.
func (s *stressRun) created(pk int64) {
	for {
		old := s.maxPK.Load()
		if pk <= old || s.maxPK.CompareAndSwap(old, pk) {
			return
		}
	}
}

// worker does up to maxOps operations until the deadline; it stops at the first failure.
func (s *stressRun) worker(g, maxOps int) {
	rng := rand.New(rand.NewPCG(uint64(g), 7))
	own := map[int64]stressModel{}
	s.own[g] = own
	var held []string // racing names this goroutine created and has not deleted
	created := 0
	pickOwn := func() (int64, bool) {
		if len(own) == 0 {
			return 0, false
		}
		pks := make([]int64, 0, len(own))
		for pk := range own {
			pks = append(pks, pk)
		}
		slices.Sort(pks)
		return pks[rng.IntN(len(pks))], true
	}
	for i := 0; i < maxOps && time.Now().Before(s.deadline); i++ {
		kind := pickStressOp(rng)
		var pk int64
		switch kind {
		case opPatchOwn, opPutOwn, opDelete:
			var ok bool
			if pk, ok = pickOwn(); !ok {
				kind = opCreate // nothing of its own yet
			}
		case opRaceDelete:
			if len(held) == 0 {
				kind = opRaceCreate
			}
		}
		s.ops[kind].Add(1)
		switch kind {
		case opPatchShared: // this writer's field of its shared image
			field := stressFields[g/8]
			v := stressValue(field, g, i)
			pk := s.shared[g%8]
			st, body := s.c.do("PATCH", fmt.Sprintf("/v1/docker/%d", pk), map[string]any{field: v})
			if st != http.StatusOK {
				s.fail("g%d PATCH shared %d %s: %d %s", g, pk, field, st, body)
				return
			}
			var img map[string]any
			_ = json.Unmarshal(body, &img)
			want := v
			if field == "tasks" {
				want = stressFieldValue(map[string]any{"tasks": v}, "tasks")
			}
			if got := stressFieldValue(img, field); !reflect.DeepEqual(got, want) {
				s.fail("g%d PATCH shared %d answered %s = %v, sent %v", g, pk, field, got, want)
			}
			s.lastWrite[g] = want
		case opCreate:
			name := fmt.Sprintf("priv-g%02d-%04d", g, created)
			created++
			st, body := s.c.do("POST", "/v1/docker/create", stressBody(name, "v1"))
			if st != http.StatusCreated {
				s.fail("g%d create %s: %d %s", g, name, st, body)
				return
			}
			pk := stressPK(body)
			s.created(pk)
			own[pk] = stressModel{name: name, version: "v1", url: "registry.example.com:443/team/" + name + ":v1", tasks: []string{"Train", "Predict"}}
		case opPatchOwn:
			m := own[pk]
			m.url, m.tasks = fmt.Sprintf("registry.example.com:443/own/%d:%d", g, i), stressTaskSets[i%len(stressTaskSets)]
			st, body := s.c.do("PATCH", fmt.Sprintf("/v1/docker/%d", pk), map[string]any{"url": m.url, "tasks": m.tasks})
			if st != http.StatusOK {
				s.fail("g%d PATCH own %d: %d %s", g, pk, st, body)
				return
			}
			own[pk] = m
			s.checkAnswer(g, "PATCH", m, body)
		case opPutOwn: // with a new version
			m := own[pk]
			m.version = fmt.Sprintf("v%d", i)
			b := stressBody(m.name, m.version)
			m.url, m.tasks = b["url"].(string), b["tasks"].([]string)
			st, body := s.c.do("PUT", fmt.Sprintf("/v1/docker/%d", pk), b)
			if st != http.StatusOK {
				s.fail("g%d PUT own %d: %d %s", g, pk, st, body)
				return
			}
			own[pk] = m
			s.checkAnswer(g, "PUT", m, body)
		case opListOwn: // exactly what it holds, in order
			s.checkOwnList(g, own)
		case opDelete:
			if st, body := s.c.do("DELETE", fmt.Sprintf("/v1/docker/%d", pk), nil); st != http.StatusNoContent {
				s.fail("g%d DELETE own %d: %d %s", g, pk, st, body)
				return
			}
			delete(own, pk)
			if st, _ := s.c.do("GET", fmt.Sprintf("/v1/docker/%d", pk), nil); st != http.StatusNotFound {
				s.fail("g%d: image %d answers %d after its delete", g, pk, st)
			}
		case opRaceCreate: // race the others to create one of four names
			name := fmt.Sprintf("race-%d", rng.IntN(4))
			st, body := s.c.do("POST", "/v1/docker/create", stressBody(name, "v1"))
			switch {
			case st == http.StatusCreated:
				s.raceWins.Add(1)
				pk := stressPK(body)
				s.created(pk)
				s.raceMu.Lock()
				if holder, taken := s.raceOwner[name]; taken {
					s.fail("g%d created %s while goroutine %d held it", g, name, holder)
				}
				s.raceOwner[name] = g
				s.raceMu.Unlock()
				held = append(held, name+"\x00"+fmt.Sprint(pk))
			case st == http.StatusBadRequest && bytes.Contains(body, []byte("duplicate key value violates unique constraint")):
				s.raceLost.Add(1)
			default:
				s.fail("g%d racing create %s: %d %s", g, name, st, body)
				return
			}
		case opRaceDelete: // give back a racing name
			name, pk, _ := strings.Cut(held[0], "\x00")
			held = held[1:]
			// Released before the delete is sent: a rival's create can only succeed after it.
			s.raceMu.Lock()
			delete(s.raceOwner, name)
			s.raceMu.Unlock()
			if st, body := s.c.do("DELETE", "/v1/docker/"+pk, nil); st != http.StatusNoContent {
				s.fail("g%d DELETE racing %s: %d %s", g, name, st, body)
				return
			}
		case opRetrieveAny: // any image, perhaps one being deleted right now
			pk := 1 + rng.Int64N(s.maxPK.Load())
			st, body := s.c.do("GET", fmt.Sprintf("/v1/docker/%d", pk), nil)
			switch st {
			case http.StatusOK:
				if got := stressPK(body); got != pk {
					s.fail("g%d retrieve %d answered image %d", g, pk, got)
				}
				if m, mine := own[pk]; mine {
					s.checkAnswer(g, "retrieve", m, body)
				}
			case http.StatusNotFound:
			default:
				s.fail("g%d retrieve %d: %d %s", g, pk, st, body)
				return
			}
		case opListAll:
			s.checkFullList(g, own)
		}
	}
}

func (s *stressRun) checkAnswer(g int, method string, m stressModel, body []byte) {
	var img map[string]any
	if err := json.Unmarshal(body, &img); err != nil {
		s.fail("g%d %s answer: %v", g, method, err)
		return
	}
	if err := m.matches(img); err != nil {
		s.fail("g%d %s answer: %v", g, method, err)
	}
}

// checkOwnList lists the goroutine's images by a name filter, newest version first, and
// checks that the answer is exactly its model, in that order.
func (s *stressRun) checkOwnList(g int, own map[int64]stressModel) {
	filter := map[string]any{
		"expressions": []any{map[string]any{"type": "contains", "field": "name", "sub_string": fmt.Sprintf("priv-g%02d-", g)}},
		"order_by":    []any{map[string]any{"field": "name", "ascending": false}},
	}
	st, body := s.c.do("POST", "/v1/docker/list", filter)
	var list []map[string]any
	if st != http.StatusOK || json.Unmarshal(body, &list) != nil {
		s.fail("g%d filtered list: %d %s", g, st, body)
		return
	}
	if len(list) != len(own) {
		s.fail("g%d filtered list shows %d images, it holds %d", g, len(list), len(own))
		return
	}
	for i, img := range list {
		pk := int64(img["pk"].(float64))
		m, ok := own[pk]
		if !ok {
			s.fail("g%d filtered list shows image %d, which is not its own", g, pk)
			continue
		}
		if err := m.matches(img); err != nil {
			s.fail("g%d filtered list, image %d: %v", g, pk, err)
		}
		if i > 0 && list[i-1]["name"].(string) < img["name"].(string) {
			s.fail("g%d filtered list not in descending name order: %v before %v", g, list[i-1]["name"], img["name"])
		}
	}
}

// checkFullList lists every image while the others write: one answer must hold each pk and
// each (name, version) once, every shared image, and exactly this goroutine's own images.
func (s *stressRun) checkFullList(g int, own map[int64]stressModel) {
	st, body := s.c.do("POST", "/v1/docker/list", nil)
	var list []map[string]any
	if st != http.StatusOK || json.Unmarshal(body, &list) != nil {
		s.fail("g%d full list: %d %.200s", g, st, body)
		return
	}
	pks := map[int64]bool{}
	keys := map[string]bool{}
	mine := 0
	for _, img := range list {
		pk := int64(img["pk"].(float64))
		key := fmt.Sprint(img["name"], ":", img["version"])
		if pks[pk] || keys[key] {
			s.fail("g%d full list shows image %d (%s) twice", g, pk, key)
		}
		pks[pk], keys[key] = true, true
		if m, ok := own[pk]; ok {
			mine++
			if err := m.matches(img); err != nil {
				s.fail("g%d full list, image %d: %v", g, pk, err)
			}
		} else if strings.HasPrefix(img["name"].(string), fmt.Sprintf("priv-g%02d-", g)) {
			s.fail("g%d full list shows image %d (%s), which it deleted", g, pk, key)
		}
	}
	if mine != len(own) {
		s.fail("g%d full list shows %d of its %d images", g, mine, len(own))
	}
	for _, pk := range s.shared {
		if !pks[pk] {
			s.fail("g%d full list lacks shared image %d", g, pk)
		}
	}
}

type stressClient struct {
	url, token string
	http       *http.Client
}

// do sends a JSON request (nil body: none) and returns the status and body; a transport
// error is reported as status 0 with the error as body.
func (c *stressClient) do(method, path string, body any) (int, []byte) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return 0, []byte(err.Error())
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.url+path, rd)
	if err != nil {
		return 0, []byte(err.Error())
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, []byte(err.Error())
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, []byte(err.Error())
	}
	return resp.StatusCode, b
}

func stressPK(body []byte) int64 {
	var v struct{ PK int64 }
	_ = json.Unmarshal(body, &v)
	return v.PK
}

// normaliseTasks sorts tasks, whose order carries no meaning.
func normaliseTasks(img map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range img {
		out[k] = v
	}
	out["tasks"] = stressFieldValue(img, "tasks")
	return out
}
