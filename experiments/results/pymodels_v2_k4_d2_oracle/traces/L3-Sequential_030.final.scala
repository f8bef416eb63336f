import chisel3._
import chisel3.util._

class ShiftReg4stage extends Module {
  val io = IO(new Bundle {
    val in  = Input(Bool())
    val out = Output(Bool())
  })

  val reg1 = RegInit(0.U(1.W))
  val reg2 = RegInit(0.U(1.W))
  val reg3 = RegInit(0.U(1.W))
  val reg4 = RegInit(0.U(1.W))

  reg1 := io.in
  reg2 := reg1
  reg3 := reg2
  reg4 := reg3

  io.out := reg4
}
