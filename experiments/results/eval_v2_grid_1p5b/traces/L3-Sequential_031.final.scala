import chisel3._
import chisel3.util._

class ShiftReg8stage extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val out   = Output(Bool())
    val reset = Input(Bool())
  })

  val reg = RegInit(0.U(1.W))
  when(io.reset) { reg := 0.U }
  when(io.in) { reg := reg.asUInt + 1.U }
  io.out := reg.asBool
}
