import chisel3._
import chisel3.util._

class OneShot extends Module {
  val io = IO(new Bundle {
    val start = Input(Bool())
    val duration = Input(UInt(4.W))
    val busy = Output(Bool())
    val done = Output(Bool())
    val remaining = Output(UInt(4.W))
  })

  val count = RegInit(0.U(4.W))
  val doneReg = RegInit(false.B)
  val remainingReg = RegInit(0.U(4.W))

  when(io.start) { count := io.duration }

  when(count > 0.U) { count := count - 1.U }
  when(count === 0.U) { doneReg := true.B }

  io.busy := count != 0.U
  io.done := doneReg
  io.remaining := remainingReg
}
