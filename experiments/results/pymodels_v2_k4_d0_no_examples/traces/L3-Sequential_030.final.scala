import chisel3._
import chisel3.util._

class ShiftReg4stage extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val out   = Output(Bool())
  })
  val reg1 = RegInit(false.B)
  val reg2 = RegInit(false.B)
  val reg3 = RegInit(false.B)
  val reg4 = RegInit(false.B)
  reg1 := reg2
  reg2 := reg3
  reg3 := reg4
  reg4 := io.in
  io.out := reg4
}
