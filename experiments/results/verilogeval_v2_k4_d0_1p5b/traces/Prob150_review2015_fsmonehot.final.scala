import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val d         = Input(UInt(1.W))
    val done_counting = Input(UInt(1.W))
    val ack       = Input(UInt(1.W))
    val state     = Input(UInt(10.W))
    val B3_next   = Output(UInt(1.W))
    val S_next     = Output(UInt(1.W))
    val S1_next    = Output(UInt(1.W))
    val Count_next = Output(UInt(1.W))
    val Wait_next  = Output(UInt(1.W))
    val done      = Output(UInt(1.W))
    val counting   = Output(UInt(1.W))
    val shift_ena  = Output(UInt(1.W))
  })
  val B3_next = RegInit(0.U(1.W))
  val S_next = RegInit(0.U(1.W))
  val S1_next = RegInit(0.U(1.W))
  val Count_next = RegInit(0.U(1.W))
  val Wait_next = RegInit(0.U(1.W))
  val done = RegInit(0.U(1.W))
  val counting = RegInit(0.U(1.W))
  val shift_ena = RegInit(0.U(1.W))

  val state = RegInit(0.U(10.W))
  when(state === 0.U) {
    when(io.d === 1.U) { state := 1.U }
  } .elsewhen(state === 1.U) {
    when(io.done_counting === 1.U) { state := 2.U }
  } .elsewhen(state === 2.U) {
    when(io.ack === 1.U) { state := 3.U }
  } .elsewhen(state === 3.U) {
    when(io.done_counting === 1.U) { state := 0.U }
  }
  io.B3_next := state === 2.U
  io.S_next := state === 1.U
  io.S1_next := state === 3.U
  io.Count_next := state === 0.U
  io.Wait_next := state === 1.U
  io.done := state === 0.U
  io.counting := state === 0.U
  io.shift_ena := state === 1.U
}
