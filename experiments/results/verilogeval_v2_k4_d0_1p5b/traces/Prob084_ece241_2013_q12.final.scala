import chisel3._
import chisel3.util._

class TopModule extends Module {
  val io = IO(new Bundle {
    val clk   = Input(Clock())
    val enable = Input(Bool())
    val S     = Input(UInt(1.W))
    val A     = Input(UInt(1.W))
    val B     = Input(UInt(1.W))
    val C     = Input(UInt(1.W))
    val Z     = Output(UInt(1.W))
  })
  val shiftRegister = RegInit(VecInit.fill(8)(0.U(1.W)))
  val shiftRegisterEnable = RegInit(false.B)
  val shiftRegisterIndex = RegInit(0.U(3.W))
  val shiftRegisterOutput = RegInit(0.U(1.W))

  when(io.enable) {
    shiftRegisterEnable := true.B
  }

  when(shiftRegisterEnable && io.S) {
    shiftRegisterIndex := (shiftRegisterIndex + 1.U).asUInt
    shiftRegisterOutput := shiftRegister(shiftRegisterIndex)
    shiftRegister(shiftRegisterIndex) := io.S
  }

  when(shiftRegisterEnable && io.A) {
    shiftRegisterIndex := (shiftRegisterIndex + 1.U).asUInt
    shiftRegisterOutput := shiftRegister(shiftRegisterIndex)
    shiftRegister(shiftRegisterIndex) := io.A
  }

  when(shiftRegisterEnable && io.B) {
    shiftRegisterIndex := (shiftRegisterIndex + 1.U).asUInt
    shiftRegisterOutput := shiftRegister(shiftRegisterIndex)
    shiftRegister(shiftRegisterIndex) := io.B
  }

  when(shiftRegisterEnable && io.C) {
    shiftRegisterIndex := (shiftRegisterIndex + 1.U).asUInt
    shiftRegisterOutput := shiftRegister(shiftRegisterIndex)
    shiftRegister(shiftRegisterIndex) := io.C
  }

  when(shiftRegisterEnable && io.Z) {
    shiftRegisterOutput := shiftRegister(shiftRegisterIndex)
  }

  io.Z := shiftRegisterOutput
}
