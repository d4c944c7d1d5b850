// Package awserr defines the client-visible AWS error type, the table of error codes and
// their HTTP status, and the builder for AWS's ValidationException messages.
package awserr

import (
	"errors"
	"fmt"
	"net/http"
)

// Error codes used across the services. The wire name is the code itself.
const (
	AccessDenied                  = "AccessDeniedException"
	DryRunOperation               = "DryRunOperationException"
	ExpiredIterator               = "ExpiredIteratorException"
	ExpiredNextToken              = "ExpiredNextTokenException"
	IncompleteSignature           = "IncompleteSignatureException"
	InternalFailure               = "InternalFailure"
	InvalidArgument               = "InvalidArgumentException"
	InvalidSignature              = "InvalidSignatureException"
	LimitExceeded                 = "LimitExceededException"
	MissingAuthenticationToken    = "MissingAuthenticationTokenException"
	ProvisionedThroughputExceeded = "ProvisionedThroughputExceededException"
	ResourceInUse                 = "ResourceInUseException"
	ResourceNotFound              = "ResourceNotFoundException"
	Serialization                 = "SerializationException"
	UnknownOperation              = "UnknownOperationException"
	Validation                    = "ValidationException"
	ServiceUnavailable            = "ServiceUnavailableException"
	UnrecognizedClient            = "UnrecognizedClientException"
)

// Error is a failure the client is meant to see: an AWS error code and AWS's message.
type Error struct {
	Code    string
	Message string
	// Status overrides the HTTP status the code implies (0: use the table).
	Status int
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// HTTPStatus is the status code the error is sent with.
func (e *Error) HTTPStatus() int {
	if e.Status != 0 {
		return e.Status
	}
	switch e.Code {
	case InternalFailure:
		return http.StatusInternalServerError
	case ServiceUnavailable:
		return http.StatusServiceUnavailable
	}
	// Every other code is a client fault: 400, the signature and credential errors included
	// (AWS sends 403 only for requests it cannot route, which set Status).
	return http.StatusBadRequest
}

// New returns an error with the given code and message.
func New(code, message string) *Error { return &Error{Code: code, Message: message} }

// Newf returns an error with the given code and a formatted message.
func Newf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// As reports whether err is (or wraps) a client-visible *Error and returns it.
func As(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// IsCode reports whether err is a client-visible error with the given code.
func IsCode(err error, code string) bool {
	e, ok := As(err)
	return ok && e.Code == code
}
