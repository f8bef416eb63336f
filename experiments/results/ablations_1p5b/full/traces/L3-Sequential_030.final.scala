import chisel3._
import chisel3.util._

class ShiftReg4stage extends Module {
  val io = IO(new Bundle {
    val in    = Input(Bool())
    val count = Output(UInt(4.W))
  })

  val reg1 = RegInit(0.U(4.W))
  val reg2 = RegInit(0.U(4.W))
  val reg3 = RegInit(0.U(4.W))
  val reg4 = RegInit(0.U(4.W))

  when(io.in && reg4(3)) { reg4 := reg4 + 1.U }

  reg1 := reg4
  reg2 := reg3
  reg3 := reg2
  reg4 := reg1

  io.count := reg1
}
