package client

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
)

// StillReferencedError says the server kept an image that was asked to go: other objects
// on the server still refer to it. The image is left exactly as it was.
type StillReferencedError struct {
	PK     int64
	Detail string
}

func (e *StillReferencedError) Error() string {
	return fmt.Sprintf("docker image %d is still referenced and was kept: %s", e.PK, e.Detail)
}

// keptDetail is what StillReferencedError says when the server gave no reason of its own.
const keptDetail = "the server answered the delete with success but still holds the image"

// DestroyImage deletes image pk and proves it is gone by reading it back: servers that
// refuse a delete may still answer 204 and keep the row. tasks are the image's job
// contracts as last read; they are restored if clearing them was tried and did not help.
//
// The real UFDL backend refuses to delete an image that has tasks (it counts its own task
// links as references) but answers 204. The first destroy of an image with tasks in a Client
// finds out which kind of server this is: it deletes, reads back, and when the image is
// still there with its tasks, clears them, deletes again and reads back; if the image still
// survives, it puts the tasks back and returns *StillReferencedError. The other destroys wait
// for that answer instead of each sending a DELETE the server would ignore, and then clear
// tasks first only on a server that needs it.
func (c *Client) DestroyImage(ctx context.Context, pk int64, tasks []string) error {
	return c.destroyImage(ctx, pk, tasks, deleter{readBack: c.GetImage})
}

// deleter is how a destroy reads back; started and done (optional) bracket each destroy
// once it is under way (past the first destroy's probe), so that shared read-backs know
// whom to wait for.
type deleter struct {
	started, done func()
	readBack      func(context.Context, int64) (*Image, error)
}

func (d deleter) begin() {
	if d.started != nil {
		d.started()
	}
}

func (d deleter) end() {
	if d.done != nil {
		d.done()
	}
}

// destroyImage is DestroyImage with its read-backs made by readBack.
func (c *Client) destroyImage(ctx context.Context, pk int64, tasks []string, readBack deleter) error {
	if len(tasks) > 0 && !c.destroyLearned.Load() {
		c.destroyProbe.Lock()
		if !c.destroyLearned.Load() {
			defer c.destroyProbe.Unlock()
			readBack.begin()
			defer readBack.end()
			return c.probeDestroy(ctx, pk, readBack)
		}
		c.destroyProbe.Unlock()
	}
	readBack.begin()
	defer readBack.end()
	if c.clearTasksFirst.Load() && len(tasks) > 0 {
		return c.destroyWithoutTasks(ctx, pk, tasks, readBack)
	}
	return c.probeDestroy(ctx, pk, readBack)
}

// probeDestroy deletes pk, reads it back, and, when it survived with its tasks, retries
// without them; what it sees tells the Client whether its server keeps images with tasks.
func (c *Client) probeDestroy(ctx context.Context, pk int64, readBack deleter) error {
	img, err := c.deleteAndCheck(ctx, pk, readBack)
	if err != nil {
		return err
	}
	if img == nil {
		if !c.destroyLearned.Load() {
			c.destroyLearned.Store(true) // deleted with its tasks: no clearing needed
		}
		return nil
	}
	if len(img.Tasks) == 0 {
		return &StillReferencedError{PK: pk, Detail: keptDetail}
	}
	return c.destroyWithoutTasks(ctx, pk, img.Tasks, readBack)
}

// destroyWithoutTasks clears the tasks of pk, deletes it and reads back; when the image
// survives, it restores tasks and reports why.
func (c *Client) destroyWithoutTasks(ctx context.Context, pk int64, tasks []string, readBack deleter) error {
	clearTasks := ImageSpec{Tasks: []string{}}
	if _, err := c.PatchImage(ctx, pk, clearTasks, []string{FieldTasks}); err != nil {
		if IsNotFound(err) {
			return nil
		}
		return err
	}
	kept, err := c.deleteAndCheck(ctx, pk, readBack)
	if err == nil && kept == nil {
		c.clearTasksFirst.Store(true)
		c.destroyLearned.Store(true)
		return nil
	}
	cause := err
	restore := ImageSpec{Tasks: slices.Clone(tasks)}
	if _, rerr := c.PatchImage(ctx, pk, restore, []string{FieldTasks}); rerr != nil {
		return fmt.Errorf("docker image %d was kept and its tasks %v could not be restored (%v); set them again, e.g. with terraform apply: %w",
			pk, tasks, rerr, errOr(cause, &StillReferencedError{PK: pk, Detail: keptDetail}))
	}
	if cause != nil {
		return cause
	}
	return &StillReferencedError{PK: pk, Detail: keptDetail + ", also with its tasks cleared"}
}

// deleteAndCheck sends DELETE and reads the image back. kept is the image as read back, or
// nil when it no longer exists. A 400 refusal becomes *StillReferencedError with the
// server's reason.
func (c *Client) deleteAndCheck(ctx context.Context, pk int64, d deleter) (kept *Image, err error) {
	err = c.DeleteImage(ctx, pk)
	var ae *APIError
	switch {
	case IsNotFound(err):
		return nil, nil
	case errors.As(err, &ae) && ae.Status == http.StatusBadRequest:
		return nil, &StillReferencedError{PK: pk, Detail: ae.Message()}
	case err != nil:
		return nil, err
	}
	kept, err = d.readBack(ctx, pk)
	if IsNotFound(err) {
		return nil, nil
	}
	return kept, err
}

func errOr(err, fallback error) error {
	if err != nil {
		return err
	}
	return fallback
}
