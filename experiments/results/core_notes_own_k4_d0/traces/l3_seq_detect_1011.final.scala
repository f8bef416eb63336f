import chisel3._
import chisel3.util._

class SeqDetect1011 extends Module {
  val io = IO(new Bundle {
    val in = Input(Bool()); val detect = Output(Bool())
  })

  // state k means the last k input bits match the first k bits of 1011
  val state = RegInit(0.U(3.W))
  when(state === 0.U) {
    state := Mux(io.in, 0.U, 1.U)
  }.elsewhen(state === 1.U) {
    state := Mux(io.in, 0.U, 2.U)
  }.elsewhen(state === 2.U) {
    state := Mux(io.in, 3.U, 2.U)
  }.elsewhen(state === 3.U) {
    state := Mux(io.in, 0.U, 4.U)
  }.elsewhen(state === 4.U) {
    state := Mux(io.in, 5.U, 2.U)
  }.elsewhen(state === 5.U) {
    state := Mux(io.in, 0.U, 1.U)
  }

  io.detect := state === 5.U
}
