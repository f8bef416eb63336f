import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val in    = Input(UInt(10.W))
    val state = Input(UInt(10.W))
    val next_state = Output(UInt(10.W))
    val out1 = Output(UInt(10.W))
    val out2 = Output(UInt(10.W))
  })
  val state = RegInit(0.U(10.W))
  val next_state = RegInit(0.U(10.W))
  val out1 = RegInit(0.U(10.W))
  val out2 = RegInit(0.U(10.W))
  when(state === 0.U) {
    when(io.in(0) === 1.U) { next_state := 1.U }
    when(io.in(1) === 1.U) { next_state := 2.U }
    when(io.in(2) === 1.U) { next_state := 3.U }
    when(io.in(3) === 1.U) { next_state := 4.U }
    when(io.in(4) === 1.U) { next_state := 5.U }
    when(io.in(5) === 1.U) { next_state := 6.U }
    when(io.in(6) === 1.U) { next_state := 7.U }
    when(io.in(7) === 1.U) { next_state := 8.U }
    when(io.in(8) === 1.U) { next_state := 9.U }
    when(io.in(9) === 1.U) { next_state := 10.U }
  }
  when(state === 1.U) {
    when(io.done === 1.U) { next_state := 2.U }
  }
  when(state === 2.U) {
    when(io.done === 1.U) { next_state := 3.U }
  }
  when(state === 3.U) {
    when(io.done === 1.U) { next_state := 4.U }
  }
  when(state === 4.U) {
    when(io.done === 1.U) { next_state := 5.U }
  }
  when(state === 5.U) {
    when(io.done === 1.U) { next_state := 6.U }
  }
  when(state === 6.U) {
    when(io.done === 1.U) { next_state := 7.U }
  }
  when(state === 7.U) {
    when(io.done === 1.U) { next_state := 8.U }
  }
  when(state === 8.U) {
    when(io.done === 1.U) { next_state := 9.U }
  }
  when(state === 9.U) {
    when(io.done === 1.U) { next_state := 10.U }
  }
  io.next_state := next_state
  io.out1 := next_state
  io.out2 := next_state
}
